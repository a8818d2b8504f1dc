"""Subject requests (issue 13, point 9): an administrator or auditor finds a person by IIN
within scope, downloads everything every app holds about them (XLSX and JSON, formula-safe),
and anonymises them where no purpose remains; appeals keep their numbers and the ledger
its sums. Out of scope is answered exactly like nobody."""

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pervichka.appeals.models import Appeal
from pervichka.core import subjects as registry
from pervichka.core.iin import generate_iin
from pervichka.core.roles import Role
from pervichka.dues.models import Payment
from pervichka.people import services, subjects
from pervichka.people.enums import AccessAction
from pervichka.people.models import AccessLog, Person
from pervichka.people.services import PersonData
from tests.clock import NOW
from tests.factories import UserFactory, grant
from tests.test_authorization import cast as cast  # every app's rows about Ахметова

# What each app contributes about Ахметова (member_a's person) in the cast.
EXPECTED = {
    "people": "Memberships",
    "appeals": "Appeals",
    "dues": "Dues payments",
    "projects": "Event participation",
    "training": "Training",
    "deputies": "Deputy mandates",
    "orgs": "Positions",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _sections_by_app(payload: dict) -> dict[str, dict[str, list]]:
    found: dict[str, dict[str, list]] = {}
    for section in payload["sections"]:
        found.setdefault(section["app"], {})[section["title"]] = section["rows"]
    return found


def test_every_app_registers_what_it_holds():
    assert set(registry.REGISTRY) >= {
        "people", "appeals", "dues", "youth", "projects", "ideas", "training", "deputies", "orgs",
    }  # fmt: skip
    assert {"appeals", "youth", "people.import_files"} <= set(registry.RETENTION)


def test_the_json_export_holds_rows_from_every_app(cast, login, district_admin):
    person = cast["member"].person
    response = login(district_admin).get(
        reverse("privacy:subject_export", args=[person.pk, "json"])
    )
    assert response.status_code == 200
    found = _sections_by_app(json.loads(response.content))
    for app, title in EXPECTED.items():
        assert found[app][title], (app, title)
    assert found["appeals"]["Appeals"][0][0] == cast["appeal"].number
    assert found["dues"]["Dues payments"][0][1] == "1000.00"
    assert any(row[1] == person.iin for row in found["people"]["Person"])
    assert AccessLog.objects.filter(
        actor=district_admin, action=AccessAction.SUBJECT_EXPORT, person=person
    ).exists()


def test_the_xlsx_export_has_a_sheet_per_section_and_no_formulas(cast, login, district_admin):
    person = cast["member"].person
    Person.objects.filter(pk=person.pk).update(address='=HYPERLINK("http://evil","x")')
    response = login(district_admin).get(
        reverse("privacy:subject_export", args=[person.pk, "xlsx"])
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "appeals-Appeals" in book.sheetnames
    assert "dues-Dues payments" in book.sheetnames
    values = [c.value for row in book["people-Person"].iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil","x")' in values
    assert all(c.data_type != "f" for s in book for row in s.iter_rows() for c in row)


def test_the_auditor_may_download(cast, login, auditor):
    person = cast["member"].person
    response = login(auditor).get(reverse("privacy:subject", args=[person.pk]))
    assert response.status_code == 200
    assert cast["appeal"].number in response.content.decode()


def _page(response, iin: str) -> str:
    body = response.content.decode().replace(iin, "IIN")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_a_lookup_out_of_scope_is_answered_like_nobody(tree, login, member_a, other_admin):
    url = reverse("privacy:subjects")
    unknown_iin = generate_iin(dt.date(1991, 4, 4), "F", serial=977)
    kept = login(other_admin).post(url, {"iin": member_a.person.iin})
    nobody = login(other_admin).post(url, {"iin": unknown_iin})
    assert kept.status_code == nobody.status_code == 200
    assert b'id="subject-not-found"' in kept.content
    assert _page(kept, member_a.person.iin) == _page(nobody, unknown_iin)
    assert not AccessLog.objects.filter(actor=other_admin).exists()


def test_a_lookup_in_scope_is_logged_and_redirects(tree, login, member_a, district_admin):
    response = login(district_admin).post(reverse("privacy:subjects"), {"iin": member_a.person.iin})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:subject", args=[member_a.person_id])
    assert AccessLog.objects.filter(
        actor=district_admin, action=AccessAction.LOOKUP, person=member_a.person
    ).exists()


@pytest.mark.parametrize("outsider", ["chair_a", "chair_b", "other_admin"])
def test_other_primaries_and_districts_get_404(request, login, member_a, outsider, tree):
    user = request.getfixturevalue(outsider)
    client = login(user)
    for name, args in (
        ("privacy:subject", [member_a.person_id]),
        ("privacy:subject_export", [member_a.person_id, "json"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, (outsider, name)
    response = client.post(reverse("privacy:subject_anonymise", args=[member_a.person_id]))
    assert response.status_code == 404
    member_a.person.refresh_from_db()
    assert member_a.person.surname == "Ахметова"


def test_an_auditor_of_another_region_gets_404(tree, login, member_a):
    from pervichka.orgs.enums import OrgKind
    from tests.factories import make_unit

    region = make_unit(tree.party, OrgKind.REGION, "Другая область", kato="110000000")
    outsider = grant(UserFactory(username="far_auditor"), Role.AUDITOR, region)
    url = reverse("privacy:subject_export", args=[member_a.person_id, "xlsx"])
    assert login(outsider).get(url).status_code == 404


def test_anonymising_is_refused_while_a_purpose_remains(cast, district_admin):
    person = cast["member"].person
    with pytest.raises(ValidationError) as refused:
        subjects.subject_anonymise(actor=district_admin, person=person)
    text = " ".join(refused.value.messages)
    assert "current party membership" in text
    assert "appeal still being answered" in text
    person.refresh_from_db()
    assert person.surname == "Ахметова"


def test_anonymising_keeps_appeal_numbers_and_ledger_sums(cast, login, district_admin):
    person = cast["member"].person
    iin = person.iin
    membership = cast["member"]
    services.membership_archive(
        actor=district_admin, membership=membership, left=dt.date(2026, 11, 1), reason="moved"
    )
    # Close what still needs the data: the appeal is closed, the deputy's term and the
    # secretary's position ended.
    Appeal.objects.filter(pk=cast["appeal"].pk).update(
        status="closed", outcome="solved", answer_text="Ахметовой ответили", closed_at=NOW
    )
    cast["deputy"].__class__.objects.filter(pk=cast["deputy"].pk).update(
        term_end=dt.date(2026, 1, 1)
    )
    cast["position"].__class__.objects.filter(pk=cast["position"].pk).update(
        end=dt.date(2026, 1, 1)
    )
    payments_before = sorted(
        Payment.objects.filter(membership__person=person).values_list("pk", "amount")
    )
    response = login(district_admin).post(reverse("privacy:subject_anonymise", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.iin, person.surname, person.name, person.phone, person.address) == (
        None, "—", "—", "", "",
    )  # fmt: skip
    assert not Person.history.filter(id=person.pk, iin=iin).exists()
    assert not Person.history.filter(id=person.pk, surname="Ахметова").exists()
    appeal = Appeal.objects.get(pk=cast["appeal"].pk)
    assert appeal.number == cast["appeal"].number
    assert appeal.person_id == person.pk
    assert appeal.text == "—"
    assert appeal.contact_phone == ""
    assert appeal.answer_text == ""
    assert appeal.outcome == "solved"
    assert not Appeal.history.filter(id=appeal.pk, text__contains="Ахметова").exists()
    assert (
        sorted(Payment.objects.filter(membership__person=person).values_list("pk", "amount"))
        == payments_before
    )
    assert AccessLog.objects.filter(action=AccessAction.ANONYMISE, person=person).exists()


def test_the_auditor_cannot_anonymise(cast, login, auditor):
    person = cast["member"].person
    response = login(auditor).post(reverse("privacy:subject_anonymise", args=[person.pk]))
    assert response.status_code == 404


def test_a_hostile_iin_is_refused_by_the_form(login, district_admin):
    for hostile in ("' OR 1=1 --", "=1+1", "1" * 5000):
        response = login(district_admin).post(reverse("privacy:subjects"), {"iin": hostile})
        assert response.status_code == 200
        assert b"is-invalid" in response.content
    # A NUL byte is refused before any view (the hostile-input middleware).
    response = login(district_admin).post(reverse("privacy:subjects"), {"iin": "12345678901\x00"})
    assert response.status_code in (200, 400)
    assert not AccessLog.objects.exists()


def test_a_young_persons_case_is_in_the_export(tree, chair_a, district_admin):
    from pervichka.youth import services as youth

    young = youth.young_person_register(
        actor=chair_a,
        primary=tree.primary_a,
        facts={},
        data=PersonData(
            surname="Молодой", name="Тимур", birth_date=dt.date(2004, 1, 1), consent_method="paper"
        ),
    )
    youth.case_open(actor=chair_a, yp=young, needs=["employment"])
    found = {
        section.title: section.rows
        for _app, section in subjects.subject_sections(actor=district_admin, person=young.person)
    }
    assert len(found["Youth cases"]) == 1
    assert found["Consents"][0][0] == "youth work"
