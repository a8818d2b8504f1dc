"""The confirmation's cases that the other import tests do not reach: a person already in the
chair's registry taken into the primary, a card or a primary lost between the check and the
confirmation, a refused row the chair had chosen to skip, and a checked-rows file written by
the older code. On PostgreSQL the confirmation is set-based SQL over a staging table, on
SQLite chunks from Python: both must give these results (the suite runs on both)."""

import datetime as dt
import json

from django.utils import translation

from pervichka.accounts.models import RoleAssignment, User
from pervichka.core.iin import generate_iin
from pervichka.core.roles import Role
from pervichka.people.enums import ConsentChannel, ConsentPurpose, MembershipStatus
from pervichka.people.importing import (
    CHECKED_KEYS,
    _checked_rows_path,
    member_import_check,
    member_import_confirm,
)
from pervichka.people.models import Consent, Membership, Person
from tests.factories import MembershipFactory, PersonFactory, grant
from tests.people.test_import import row, xlsx


def test_a_former_member_kept_by_the_primary_is_taken_again_not_doubled(tree, chair_a):
    iin = generate_iin(dt.date(1980, 6, 1), "F", serial=5101)
    former = PersonFactory(unit=tree.primary_a, iin=iin, surname="Старая", phone="")
    MembershipFactory(
        primary=tree.primary_a,
        person=former,
        status=MembershipStatus.ARCHIVED,
        left=dt.date(2022, 1, 1),
    )
    Consent.objects.create(
        person=former, purpose=ConsentPurpose.MEMBERSHIP, channel=ConsentChannel.PAPER
    )
    job = member_import_check(
        actor=chair_a,
        upload=xlsx([row(iin=iin, surname="Новая", phone="+7 701 555 44 33"), row()]),
    )
    assert job.valid_rows == 2, job.errors
    job = member_import_confirm(actor=chair_a, job=job)

    assert (job.imported_rows, job.errors) == (2, [])
    assert Person.objects.filter(iin=iin).count() == 1
    former.refresh_from_db()
    assert (former.surname, former.phone, former.unit) == ("Новая", "+77015554433", tree.primary_a)
    assert former.search_name.startswith("новая ")
    assert former.history.first().history_change_reason == "import"
    memberships = Membership.objects.filter(person=former).order_by("pk")
    assert [m.status for m in memberships] == [MembershipStatus.ARCHIVED, MembershipStatus.ACTIVE]
    assert memberships.last().joined == dt.date(2024, 3, 15)
    # The open consent is not recorded twice; the new person gets theirs.
    assert Consent.objects.filter(person=former).count() == 1
    assert Consent.objects.filter(channel=ConsentChannel.IMPORTED).count() == 1


def test_a_card_given_meanwhile_is_refused_and_the_rest_imported(tree, chair_a, chair_b):
    job = member_import_check(actor=chair_a, upload=xlsx([row(card="K-7"), row(card="K-8")]))
    assert job.valid_rows == 2
    MembershipFactory(primary=tree.primary_b, card_number="K-7")
    with translation.override("en"):
        job = member_import_confirm(actor=chair_a, job=job)
    assert job.imported_rows == 1
    assert [(e["row"], e["errors"]) for e in job.errors] == [
        (2, {"card_number": ["already in use"]})
    ]
    assert Membership.objects.filter(card_number="K-8", primary=tree.primary_a).exists()


def test_rows_of_a_primary_no_longer_the_importers_are_refused(tree, chair_a):
    grant(chair_a, Role.CHAIR, tree.primary_b)
    job = member_import_check(actor=chair_a, upload=xlsx([row(), row(primary="ППО Айсары"), row()]))
    assert job.valid_rows == 3, job.errors
    RoleAssignment.objects.filter(user=chair_a, org_unit=tree.primary_b).delete()
    chair_a = User.objects.get(pk=chair_a.pk)  # the roles as a new request reads them
    with translation.override("en"):
        job = member_import_confirm(actor=chair_a, job=job)
    assert job.imported_rows == 2
    assert [(e["row"], e["errors"]) for e in job.errors] == [
        (
            3,
            {"primary": [f"Unknown primary organization, or not yours: {tree.primary_b.pk}."]},
        )
    ]
    assert not Membership.objects.filter(primary=tree.primary_b).exists()


def test_a_row_refused_at_confirmation_counts_as_refused_even_if_skipped(tree, chair_a):
    # Of working age (a random IIN may be a pensioner's, which adds the category's proposal).
    contested = row(  # a placeholder phone: a warning the chair decides
        iin=generate_iin(dt.date(1985, 4, 2), "M", serial=5301), phone="8 700 000 00 00"
    )
    other = row(iin=generate_iin(dt.date(1990, 7, 9), "F", serial=5302))
    job = member_import_check(actor=chair_a, upload=xlsx([contested, other]))
    assert [(w["row"], w["kind"]) for w in job.warnings] == [(2, "phone")]
    MembershipFactory(primary=tree.primary_b, person__iin=contested[0])
    job = member_import_confirm(
        actor=chair_a, job=job, decisions={"all": {}, "rows": {"2": {"phone": "skip"}}}
    )
    assert (job.imported_rows, job.notes["skipped"]) == (1, 0)
    assert [e["row"] for e in job.errors] == [2]
    assert job.total_rows == 2


def test_a_file_checked_by_the_older_code_still_confirms(tree, chair_a):
    """Before this format a checked row was a JSON object, and before that it had no date
    of birth and sex: a chair who checked before an upgrade confirms without checking again."""
    rows = [row(), row(), row(surname="ИВАНОВА")]
    job = member_import_check(actor=chair_a, upload=xlsx(rows))
    path = _checked_rows_path(job)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(line, list) for line in lines)
    objects = [dict(zip(CHECKED_KEYS, line, strict=True)) for line in lines]
    del objects[0]["born"], objects[0]["sex"]
    path.write_text(
        "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8"
    )
    job = member_import_confirm(
        actor=chair_a, job=job, decisions={"all": {"capitals": "keep"}, "rows": {}}
    )
    assert (job.imported_rows, job.errors) == (3, [])
    first = Person.objects.get(iin=rows[0][0])
    born = dt.date(
        (1900 if first.iin[6] in "34" else 2000) + int(first.iin[:2]),
        int(first.iin[2:4]),
        int(first.iin[4:6]),
    )
    assert first.birth_date == born
    assert first.sex in ("M", "F")
    assert Person.objects.get(iin=rows[2][0]).surname == "ИВАНОВА"
