"""`__anyof`: the long-list `IN` of the rating's KPIs, the same answer on both databases."""

from pervichka.orgs.models import OrgUnit
from pervichka.people.models import Membership


def test_anyof_matches_like_in(tree, member_a):
    ids = [tree.primary_a.pk, tree.primary_b.pk, 10**12]
    assert set(OrgUnit.objects.filter(pk__anyof=ids)) == {tree.primary_a, tree.primary_b}
    # On a foreign key, as the KPIs use it.
    assert list(Membership.objects.filter(primary_id__anyof=ids)) == [member_a]
    assert list(Membership.objects.filter(primary__anyof=[tree.primary_b.pk])) == []


def test_anyof_of_nothing_is_nothing(tree):
    assert not OrgUnit.objects.filter(pk__anyof=[]).exists()
    assert OrgUnit.objects.exclude(pk__anyof=[]).count() == OrgUnit.objects.count()
