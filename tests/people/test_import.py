import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from pervichka.core.iin import generate_iin, parse_iin
from pervichka.people.enums import ImportStatus
from pervichka.people.importing import (
    member_import_cancel,
    member_import_check,
    member_import_confirm,
)
from pervichka.people.models import Membership, Person
from tests.factories import MembershipFactory, unique_fake

HEADER = [
    "ИИН",
    "Фамилия",
    "Имя",
    "Отчество",
    "Телефон",
    "Населенный пункт",
    "Адрес",
    "Первичная организация",
    "Дата вступления",
    "Номер билета",
]


def row(primary="ППО Талшик", **overrides):
    fake = unique_fake()
    # Joined in March 2024: party membership starts at 18, so the person is of age by then.
    while parse_iin(fake.iin).birth_date > dt.date(2006, 3, 15):
        fake = unique_fake()
    values = {
        "iin": fake.iin,
        "surname": fake.surname,
        "name": fake.name,
        "patronymic": fake.patronymic,
        "phone": fake.phone,
        "settlement": "Талшик",
        "address": fake.address,
        "primary": primary,
        "joined": "15.03.2024",
        "card": "",
    }
    values.update(overrides)
    return list(values.values())


def xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("members.xlsx", buffer.getvalue())


def csv_file(rows, encoding="cp1251", delimiter=";") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile("members.csv", text.getvalue().encode(encoding))


def test_check_reports_bad_rows_and_writes_nothing(tree, chair_a, member_b):
    upload = xlsx(
        [
            row(),
            row(iin="900101300127"),  # wrong check digit
            row(surname=""),  # missing surname
            row(phone="12345"),  # impossible phone
            row(iin=member_b.person.iin),  # already a member elsewhere
            row(primary="ППО Айсары"),  # not the chair's primary
            row(settlement="Атлантида"),
            row(joined="31.02.2024"),
            row(),
        ]
    )
    job = member_import_check(actor=chair_a, upload=upload)
    # An impossible phone and an unknown settlement are warnings (imported without them,
    # or left out, as the chair decides), not refusals.
    assert [e["row"] for e in job.errors] == [3, 4, 6, 7, 9], job.errors
    assert (job.total_rows, job.valid_rows) == (9, 4)
    assert list(job.errors[0]["errors"]) == ["iin"]
    assert {(w["row"], w["kind"]) for w in job.warnings} >= {(5, "phone"), (8, "settlement")}
    assert Person.objects.count() == 1  # member_b only


def test_confirm_imports_exactly_the_valid_rows(tree, chair_a):
    upload = xlsx([row(card="C-1"), row(iin="123"), row(card="C-2")])
    job = member_import_check(actor=chair_a, upload=upload)
    job = member_import_confirm(actor=chair_a, job=job)
    assert job.status == ImportStatus.IMPORTED
    assert job.imported_rows == 2
    assert [e["row"] for e in job.errors] == [3]
    members = Membership.objects.filter(primary=tree.primary_a).select_related("person")
    assert sorted(m.card_number for m in members) == ["C-1", "C-2"]
    for m in members:
        assert m.joined == dt.date(2024, 3, 15)
        assert m.person.settlement == tree.village
        assert m.person.birth_date is not None
        assert m.person.consent_method == "imported"
        assert m.history.get().history_user == chair_a
        assert m.person.history.get().history_user == chair_a


def test_cancel_imports_nothing(tree, chair_a):
    job = member_import_check(actor=chair_a, upload=xlsx([row(), row()]))
    member_import_cancel(actor=chair_a, job=job)
    assert not Person.objects.exists()
    with pytest.raises(ValidationError):
        member_import_confirm(actor=chair_a, job=job)
    assert not Person.objects.exists()


def test_confirm_twice_imports_once(tree, chair_a):
    job = member_import_check(actor=chair_a, upload=xlsx([row(), row()]))
    member_import_confirm(actor=chair_a, job=job)
    with pytest.raises(ValidationError):
        member_import_confirm(actor=chair_a, job=job)
    assert Membership.objects.count() == 2


def test_duplicates_inside_the_file_are_rejected(tree, chair_a):
    first = row(card="X-1")
    job = member_import_check(
        actor=chair_a, upload=xlsx([first, row(iin=first[0]), row(card="X-1")])
    )
    assert job.valid_rows == 1
    assert set(job.errors[0]["errors"]) == {"iin"}
    assert set(job.errors[1]["errors"]) == {"card_number"}


def test_registry_changes_between_check_and_confirm_are_caught(tree, chair_a, chair_b):
    contested = row()
    job = member_import_check(actor=chair_a, upload=xlsx([contested, row()]))
    assert job.valid_rows == 2
    # Meanwhile the chair of B registers the same person.
    MembershipFactory(primary=tree.primary_b, person__iin=contested[0])
    job = member_import_confirm(actor=chair_a, job=job)
    assert job.imported_rows == 1
    assert [e["row"] for e in job.errors] == [2]
    assert Membership.objects.filter(person__iin=contested[0]).count() == 1


def test_csv_from_russian_excel_is_read(tree, chair_a):
    # Windows-1251 has no Kazakh letters, so this file has Russian names only.
    rows = [
        row(surname="Петрова", name="Анна", patronymic="Ивановна"),
        row(surname="Сидоров", name="Олег", patronymic=""),
    ]
    job = member_import_check(actor=chair_a, upload=csv_file(rows))
    job = member_import_confirm(actor=chair_a, job=job)
    assert job.imported_rows == 2
    assert set(Person.objects.values_list("surname", flat=True)) == {"Петрова", "Сидоров"}


def test_csv_in_utf8_with_commas_keeps_kazakh_letters(tree, chair_a):
    upload = csv_file(
        [row(surname="Төлеуова", name="Әсем", patronymic="Ғалым қызы")],
        encoding="utf-8-sig",
        delimiter=",",
    )
    job = member_import_confirm(
        actor=chair_a, job=member_import_check(actor=chair_a, upload=upload)
    )
    assert job.imported_rows == 1
    assert Person.objects.get().full_name == "Төлеуова Әсем Ғалым қызы"


def test_excel_number_cells_lose_no_leading_zero(tree, chair_a):
    # Born in 2003: the IIN starts with 0, which Excel drops from a number cell.
    iin = generate_iin(dt.date(2003, 4, 5), "F", serial=17)
    assert iin.startswith("03")
    job = member_import_check(actor=chair_a, upload=xlsx([row(iin=int(iin))]))
    assert job.valid_rows == 1, job.errors


def test_a_file_without_the_required_columns_is_refused(tree, chair_a):
    with pytest.raises(ValidationError) as exc:
        member_import_check(actor=chair_a, upload=xlsx([["x"]], header=["Что-то"]))
    assert "file" in exc.value.message_dict


def test_a_file_of_another_type_is_refused(tree, chair_a):
    with pytest.raises(ValidationError) as exc:
        member_import_check(actor=chair_a, upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    assert "file" in exc.value.message_dict


def test_a_damaged_workbook_is_refused(tree, chair_a):
    with pytest.raises(ValidationError):
        member_import_check(actor=chair_a, upload=SimpleUploadedFile("a.xlsx", b"not a zip"))


def test_someone_elses_import_is_missing(tree, chair_a, chair_b):
    job = member_import_check(actor=chair_a, upload=xlsx([row()]))
    with pytest.raises(Http404):
        member_import_confirm(actor=chair_b, job=job)
    assert not Person.objects.exists()


def test_import_pages_end_to_end(tree, login, chair_a, chair_b):
    client = login(chair_a)
    response = client.post(
        reverse("people:import"), {"file": xlsx([row(), row(iin="1")]), "consent_confirmed": "on"}
    )
    assert response.status_code == 302
    # First the columns as read, for the chair to correct; then the rows are checked.
    preview = client.get(response["Location"])
    job = preview.context["job"]
    assert job.mapping[:3] == ["iin", "surname", "name"]
    assert job.valid_rows == 0
    fields = {f"col{i}": key for i, key in enumerate(job.mapping)}
    checked = client.post(response["Location"], {"header_row": 1, **fields})
    assert checked.status_code == 302
    report = client.get(response["Location"])
    assert report.context["job"].valid_rows == 1
    assert "1" in report.text
    token = report.context["job"].token
    # The chair of B cannot see or decide the chair of A's import.
    other = login(chair_b)
    assert other.get(reverse("people:import_report", args=[token])).status_code == 404
    assert (
        other.post(
            reverse("people:import_decide", args=[token]), {"decision": "import"}
        ).status_code
        == 404
    )
    assert not Person.objects.exists()
    client = login(chair_a)
    client.post(reverse("people:import_decide", args=[token]), {"decision": "import"})
    assert Membership.objects.filter(primary=tree.primary_a).count() == 1


def test_import_needs_consent_confirmation(tree, login, chair_a):
    response = login(chair_a).post(reverse("people:import"), {"file": xlsx([row()])})
    assert "consent_confirmed" in response.context["form"].errors


def test_template_headers_are_read_back(tree, login, chair_a):
    """The template's own columns are recognised; its example row (a generated person with
    a valid IIN) is skipped when the file comes back; its second sheet explains each column."""
    content = login(chair_a).get(reverse("people:import_template")).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    members, columns = workbook.worksheets
    header, example = list(members.values)[:2]
    assert parse_iin(example[1]).birth_date.year == 1991
    explained = [r[0] for r in list(columns.values)[1:]]
    assert set(header) <= set(explained)
    fake = row()
    by_key = dict(zip(["iin", "surname", "name"], fake[:3], strict=True))
    members.append([None, by_key["iin"], by_key["surname"], by_key["name"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = member_import_check(
        actor=chair_a, upload=SimpleUploadedFile("template.xlsx", buffer.getvalue())
    )
    assert (job.valid_rows, job.notes["examples"]) == (1, [2])


def test_a_person_kept_by_another_district_is_not_taken_over(tree, chair_a):
    """A citizen known to another district (an appeal, say) is no member; an import by a
    chair elsewhere must not move them into the chair's primary or rewrite them."""
    from tests.factories import PersonFactory

    citizen = PersonFactory(unit=tree.other_district, surname="Чужойрайон")
    job = member_import_check(actor=chair_a, upload=xlsx([row(iin=citizen.iin), row()]))
    assert (job.total_rows, job.valid_rows) == (2, 1)
    # The factory's citizen may also be too young to have joined in 2024: the IIN is what
    # must be refused.
    assert "iin" in job.errors[0]["errors"]
    member_import_confirm(actor=chair_a, job=job)
    citizen.refresh_from_db()
    assert (citizen.unit, citizen.surname) == (tree.other_district, "Чужойрайон")


def test_a_membership_before_the_party_existed_is_refused(tree, chair_a, settings):
    """Issue 13, point 6: the import ranges the joining date like the forms and the API."""
    settings.PERVICHKA_PARTY_FOUNDED = "1999-03-01"
    # People born in 1970, of age whichever year they joined.
    early = generate_iin(dt.date(1970, 1, 5), "M", serial=4101)
    later = generate_iin(dt.date(1970, 2, 6), "F", serial=4102)
    job = member_import_check(
        actor=chair_a,
        upload=xlsx([row(iin=early, joined="15.03.1998"), row(iin=later, joined="15.03.1999")]),
    )
    assert [e["row"] for e in job.errors] == [2]
    assert list(job.errors[0]["errors"]) == ["joined"]
    assert "1998" in str(job.errors[0]["errors"]["joined"])
    assert job.valid_rows == 1


def test_a_long_utf8_csv_is_read_whatever_byte_its_sample_ends_on(tree, chair_a):
    """The encoding is guessed from the first 64 KiB; a UTF-8 file longer than that whose
    sample ends inside a Cyrillic letter (two bytes, the second may be 0x98, which Windows-1251
    does not have) was refused as "neither UTF-8 nor Windows-1251" (found at 100,000 rows)."""
    rows = [row(surname="Иванова", name="Анна", patronymic="Ивановна") for _ in range(2)]
    header_and_rows = io.StringIO()
    writer = csv.writer(header_and_rows, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    body = header_and_rows.getvalue().encode("utf-8")
    # Pad with a comment-free filler column so that byte 65,536 falls inside "И" (D0 98).
    filler = "И" * 40_000
    padded = body.decode().replace("Ивановна", "Ивановна " + filler, 1).encode("utf-8")
    cut = 65536
    assert padded[cut - 1 : cut + 1] in (b"\xd0\x98", b"\x98\xd0"), "the sample ends mid-letter"
    job = member_import_check(actor=chair_a, upload=SimpleUploadedFile("members.csv", padded))
    assert "file" not in (job.errors[0] if job.errors else {}).get("errors", {})
    assert job.total_rows == 2
