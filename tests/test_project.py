import io

import pytest
from django.core.management import call_command

from pervichka.accounts.models import RoleAssignment, User
from pervichka.core.iin import is_valid_iin
from pervichka.core.roles import Role
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.people.models import Membership, Person


def test_no_model_change_lacks_a_migration(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_the_akzhar_district_once():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )

    district = OrgUnit.objects.get(kind=OrgKind.DISTRICT, code="AKZ")
    assert district.name == "Акжарский районный филиал"
    assert district.address.startswith("с. Талшик")
    primaries = OrgUnit.objects.filter(kind=OrgKind.PRIMARY)
    assert 13 <= primaries.filter(path__startswith=district.path).count() <= 17
    # A second district with two primaries: scope is seen to stop at a district's border.
    other = OrgUnit.objects.get(kind=OrgKind.DISTRICT, code="TAY")
    assert primaries.filter(path__startswith=other.path).count() == 2
    for primary in primaries:
        assert 80 <= Membership.objects.filter(primary=primary).count() <= 120
    iins = Person.objects.filter(iin__isnull=False).values_list("iin", flat=True)
    assert all(is_valid_iin(iin) for iin in iins)
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="chair").check_password("pervichka-demo")

    from pervichka.appeals.models import Appeal

    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert 250 <= Appeal.objects.count() <= 350
    assert statuses == {
        "registered",
        "assigned",
        "in_progress",
        "answered",
        "closed",
        "redirected",
        "returned",
        "reopened",
    }
    assert any(a.is_overdue for a in Appeal.objects.all())


@pytest.mark.django_db
def test_seed_demo_has_a_year_of_dues_that_balance():
    from django.db.models import Sum

    from pervichka.dues.models import Account, Entry, Payment, SpendingRequest

    call_command("seed_demo", stdout=io.StringIO())
    assert Payment.objects.count() > 1000
    assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
    for account in Account.objects.all():
        assert account.balance == (account.entries.aggregate(s=Sum("amount"))["s"] or 0)
        if account.kind == "fund":
            assert account.balance <= 0
    statuses = set(SpendingRequest.objects.values_list("status", flat=True))
    assert statuses == {"approved", "requested", "refused"}


@pytest.mark.django_db
def test_seed_demo_has_young_people_with_cases_in_every_state():
    from pervichka.youth.models import Case, Placement, Referral, YoungPerson

    call_command("seed_demo", stdout=io.StringIO())
    assert 140 <= YoungPerson.objects.count() <= 160
    assert set(Case.objects.values_list("status", flat=True)) == {"open", "closed"}
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "referred",
        "accepted",
        "started",
        "completed",
        "refused",
    }
    assert Placement.objects.filter(lasted_3m__isnull=False).exists()


@pytest.mark.django_db
def test_seed_demo_has_projects_promises_deputies_and_the_school():
    from pervichka.deputies.models import Deputy
    from pervichka.greening.models import Planting, SurvivalCheck
    from pervichka.ideas.models import Idea, Vote
    from pervichka.projects.models import Event
    from pervichka.promises.models import Promise
    from pervichka.training.models import Cohort, Course, Enrolment

    call_command("seed_demo", stdout=io.StringIO())
    assert Event.objects.filter(status="held").count() >= 40
    assert Planting.objects.exists()
    assert SurvivalCheck.objects.exists()
    assert Idea.objects.count() == 60
    assert set(Idea.objects.values_list("status", flat=True)) == {
        "submitted",
        "published",
        "rejected",
        "merged",
    }
    assert Vote.objects.exists()
    assert Deputy.objects.count() == 6
    assert Promise.objects.count() == 40
    assert set(Promise.objects.values_list("status", flat=True)) == {
        "not_started",
        "in_progress",
        "done",
        "done_late",
        "partly_done",
        "not_done",
    }
    assert not Promise.objects.exclude(status="not_started").filter(updates__isnull=True).exists()
    assert Course.objects.count() == 2
    assert Cohort.objects.count() == 3
    assert Enrolment.objects.filter(status="completed", certificate_code__isnull=False).exists()
    assert Enrolment.objects.filter(status="failed").exists()
