"""Issue 14, points 1-3: a members list as a primary keeps it by hand goes in, with every
fault of the issue in one workbook (tests/people/handkept.py), and what the chair reads on
the preview and after the import is what a careful clerk would have written."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from pervichka.core.iin import generate_iin
from pervichka.people.enums import DuesCategory, ImportStatus, LeaveReason, MembershipStatus
from pervichka.people.importing import (
    clean_iin,
    clean_phone,
    column_for_header,
    member_import_confirm,
    member_import_map,
    member_import_upload,
    parse_date,
    title_case,
)
from pervichka.people.models import Membership, Person
from tests.people import handkept

TODAY = dt.date(2026, 12, 7)
BORN_2003 = generate_iin(dt.date(2003, 4, 5), "F", serial=103)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(content: bytes, name: str = "list.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("ФИО", "full_name"), ("Ф.И.О.", "full_name"), ("Т.А.Ә.", "full_name"),
        ("Аты-жөні", "full_name"), ("ИИН", "iin"), ("ЖСН", "iin"), ("Тел.", "phone"),
        ("Телефон", "phone"), ("Дата рождения", "birth_date"), ("Туған күні", "birth_date"),
        ("Дата вступления в партию", "joined"), ("Дата приёма", "joined"),
        ("Примечание", "note"), ("Ескерту", "note"), ("Адрес", "address"),
        ("Населённый пункт", "settlement"), ("Село", "settlement"), ("Мекенжай", "address"),
        ("№", "number"), ("п/п", "number"), ("№ п/п", "number"), ("Образование", None),
    ],
)  # fmt: skip
def test_usual_headers_in_russian_and_kazakh_are_recognised(header, key):
    assert column_for_header(header) == key


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("900501 300 127", "900501300127"),
        ("900501-300-127", "900501300127"),
        (900501300127.0, "900501300127"),
        ("900501300127.0", "900501300127"),
        ("9.00501300127e+11", "900501300127"),
        # Born in 2003: a number cell lost the leading zero; the check digit then holds.
        (int(BORN_2003), BORN_2003),
        ("12345", "12345"),  # not an IIN: left as typed, for the message
    ],
)
def test_iins_are_cleaned(value, clean):
    assert clean_iin(value, today=TODAY) == clean


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("8 (701) 234-56-78", ("+77012345678", "")),
        ("+7 701 234 5678", ("+77012345678", "")),
        ("7012345678", ("+77012345678", "")),
        (87012345678.0, ("+77012345678", "")),
        ("8-701-234-56-78, 8 777 111 22 33", ("+77012345678", "")),
        ("8 700 000 00 00", ("", "placeholder")),
        ("+7 777 777 77 77", ("", "placeholder")),
        ("12345", ("", "invalid")),
    ],
)
def test_phones_are_cleaned(value, clean):
    assert clean_phone(value) == clean


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("15.03.2015", dt.date(2015, 3, 15)),
        ("03/04/19", dt.date(2019, 4, 3)),
        ("5.6.22", dt.date(2022, 6, 5)),
        ("2017-09-01", dt.date(2017, 9, 1)),
        ("15.03.2015 г.", dt.date(2015, 3, 15)),
        (43000, dt.date(2017, 9, 22)),
        ("43000", dt.date(2017, 9, 22)),
        (dt.datetime(2012, 11, 20), dt.date(2012, 11, 20)),
        ("1.2.48", dt.date(1948, 2, 1)),
    ],
)
def test_dates_are_read_day_first(value, date):
    assert parse_date(value, today=TODAY) == date


def test_names_in_capitals_are_title_cased():
    assert title_case("ИВАНОВА-ПЕТРОВА АННА") == "Иванова-Петрова Анна"
    assert title_case("ӘБІЛҚАСЫМОВА ДАНА СЕРІК ҚЫЗЫ") == "Әбілқасымова Дана Серік қызы"


def test_the_handkept_list_is_previewed_with_every_fault_named(tree, chair_a, member_a):
    content, info = handkept.build(already_member_iin=member_a.person.iin)
    rows = info["rows"]
    job = member_import_upload(actor=chair_a, upload=upload(content))
    # The merged title and the empty row are skipped: the header is row 3.
    assert (job.status, job.header_row) == (ImportStatus.UPLOADED, 3)
    assert job.columns == handkept.HEADER
    assert job.mapping == [
        "number", "full_name", "iin", "birth_date", "phone", "joined", "address", "note", "",
    ]  # fmt: skip
    job = member_import_map(actor=chair_a, job=job)
    assert (job.total_rows, job.valid_rows) == (15, 12)
    assert job.notes["totals"] == [{"row": info["total_row"], "text": "Итого: 15 человек"}]
    assert job.notes["unused"] == ["№ п/п", "Образование"]

    errors = {e["row"]: e for e in job.errors}
    minor = errors[14]
    assert (minor["name"], minor["iin"]) == (
        "Бекенов Алихан Ерланович",
        handkept.iin(dt.date(2011, 3, 3), "M", 111),
    )
    assert minor["errors"]["joined"] == [
        "Дата вступления: «01.09.2026» — joined at 15; party membership starts at 18 (the "
        'Law of the Republic of Kazakhstan of 15 July 2002 No. 344-II "On political parties")'
    ]
    assert errors[17]["errors"]["iin"][0].endswith("the same IIN is already in row 16")
    assert errors[17]["errors"]["iin"][0].startswith("ИИН: «")
    assert errors[18]["member"] is True
    assert [e["row"] for e in job.errors if not e["member"]] == [14, 17]

    warnings: dict[str, list[int]] = {}
    for w in job.warnings:
        warnings.setdefault(w["kind"], []).append(w["row"])
    assert warnings["phone"] == [5, 6, 7, 10, 11, 15]  # "8 700 000 00 00" six times
    assert warnings["left"] == [10, 11, 12, 13]
    assert warnings["capitals"] == [4, 7]
    assert warnings["birth_date"] == [15]
    assert warnings["category"] == [7, 8, 9, 11]
    messages = {(w["row"], w["kind"]): w["message"] for w in job.warnings}
    assert messages[(4, "capitals")] == (
        "«ИВАНОВ ИВАН ИВАНОВИЧ» will be written «Иванов Иван Иванович»."
    )
    assert messages[(11, "left")] == (
        "Примечание: «умер 12.05.2024» — left on 12.05.2024, reason: deceased."
    )
    assert "the IIN says 10.10.1988" in messages[(15, "birth_date")]
    assert messages[(9, "category")] == "Proposed: pensioner — the note says «пенсионерка»."
    assert "76 years old by the IIN" in messages[(8, "category")]
    # From the address column: "с. Талшик, ул. Абая 5", "с.Талшик", "Талшық ауылы" (kk).
    assert job.notes["settlements"] == 11
    assert rows  # the builder's bookkeeping is used by the next test


def test_the_handkept_list_imports_as_decided(tree, chair_a, member_a):
    content, _info = handkept.build(already_member_iin=member_a.person.iin)
    job = member_import_upload(actor=chair_a, upload=upload(content))
    job = member_import_map(actor=chair_a, job=job)
    # For all: the defaults; row 12 (Ли, "исключён") is left out by the chair.
    job = member_import_confirm(
        actor=chair_a, job=job, decisions={"all": {}, "rows": {"12": {"left": "skip"}}}
    )
    assert (job.imported_rows, job.notes["archived"], job.notes["skipped"]) == (11, 3, 1)
    members = {
        m.person.iin: m
        for m in Membership.objects.filter(primary=tree.primary_a).select_related("person")
    }
    assert len(members) == 12  # and member_a, who was there already
    by_name = {m.person.surname: m for m in members.values()}
    ivanov = by_name["Иванов"]
    assert (ivanov.person.name, ivanov.person.patronymic) == ("Иван", "Иванович")
    assert ivanov.person.phone == "+77012345678"
    assert ivanov.person.settlement == tree.village
    assert ivanov.joined == dt.date(2015, 3, 15)
    assert ivanov.dues_category == DuesCategory.WORKING
    assert by_name["Сейткали"].person.iin.startswith("03")
    assert by_name["Сейткали"].joined == dt.date(2022, 6, 5)
    assert by_name["Петрова"].joined == dt.date(2019, 4, 3)
    assert by_name["Ким"].joined == dt.date(2017, 9, 22)
    assert by_name["Ким"].person.phone == "+77771112233"
    assert by_name["Нурланов"].dues_category == DuesCategory.PENSIONER
    assert by_name["Ким"].dues_category == DuesCategory.PENSIONER
    assert by_name["Жумабаева"].dues_category == DuesCategory.PENSIONER
    assert by_name["Әбілқасымова"].person.settlement == tree.village
    placeholder_phones = [by_name[s].person.phone for s in ("Петрова", "Нурланов", "Тулегенов")]
    assert placeholder_phones == ["", "", ""]
    omarov = by_name["Омаров"]
    assert (omarov.status, omarov.leave_reason, omarov.left) == (
        MembershipStatus.ARCHIVED, LeaveReason.DECEASED, dt.date(2024, 5, 12),
    )  # fmt: skip
    assert by_name["Смирнов"].status == MembershipStatus.ARCHIVED
    assert by_name["Тулегенов"].person.birth_date == dt.date(1988, 10, 10)  # the IIN's
    assert "Ли" not in by_name
    assert "Бекенов" not in by_name
    assert not Person.objects.filter(surname="Бекенов").exists()


def test_capitals_can_be_kept_and_proposals_refused_for_all(tree, chair_a):
    content, _info = handkept.build()
    job = member_import_map(
        actor=chair_a, job=member_import_upload(actor=chair_a, upload=upload(content))
    )
    member_import_confirm(
        actor=chair_a,
        job=job,
        decisions={"all": {"capitals": "keep", "category": "working", "left": "active"}},
    )
    assert Person.objects.filter(surname="НУРЛАНОВ").exists()
    assert not Membership.objects.filter(dues_category=DuesCategory.PENSIONER).exists()
    assert not Membership.objects.filter(status=MembershipStatus.ARCHIVED).exists()


def test_preview_correct_and_download_refused_rows_through_the_pages(
    tree, login, chair_a, chair_b, member_a
):
    content, _info = handkept.build(already_member_iin=member_a.person.iin)
    client = login(chair_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    form = client.get(reverse("people:import"))
    # A chair with one primary finds it chosen.
    assert form.context["form"]["default_primary"].value() == tree.primary_a.pk
    response = client.post(
        reverse("people:import"), {"file": upload(content), "consent_confirmed": "on"}
    )
    assert response.status_code == 302
    report_url = response["Location"]
    preview = client.get(report_url)
    assert preview.templates[0].name == "people/import_mapping.html"
    assert not preview.context["job"].errors  # nothing checked yet
    token = preview.context["job"].token
    # The outsider reaches none of it.
    other = login(chair_b)
    assert other.get(report_url).status_code == 404
    assert other.post(report_url, {"col0": ""}).status_code == 404
    assert other.get(reverse("people:import_refused", args=[token])).status_code == 404
    # The chair says the date of birth column is not to be read.
    client = login(chair_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    mapping = dict(enumerate(preview.context["job"].mapping))
    mapping[3] = ""
    response = client.post(
        report_url, {"header_row": 3, **{f"col{i}": k for i, k in mapping.items()}}
    )
    assert response.status_code == 302
    report = client.get(report_url)
    job = report.context["job"]
    assert "birth_date" not in {w["kind"] for w in job.warnings}
    assert job.notes["unused"] == ["№ п/п", "Дата рождения", "Образование"]
    text = report.content.decode()
    assert "Дата рождения, Образование" in text
    assert "1 row is already a member and is left as it is (row 18)." in text
    assert "Row 19 («Итого: 15 человек») is a total, not a member: skipped." in text

    refused = client.get(reverse("people:import_refused", args=[token]))
    sheet = openpyxl.load_workbook(io.BytesIO(refused.content)).active
    values = list(sheet.values)
    assert list(values[0]) == [*handkept.HEADER, "Reason"]
    assert [v[1] for v in values[1:]] == ["Бекенов Алихан Ерланович", "Сидорова Мария Петровна"]
    assert "party membership starts at 18" in values[1][-1]
    assert "already in row 16" in values[2][-1]

    response = client.post(
        reverse("people:import_decide", args=[token]), {"decision": "import", "all-left": "skip"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(primary=tree.primary_a).count() == 1 + 12 - 4
    assert not Membership.objects.filter(status=MembershipStatus.ARCHIVED).exists()


def test_a_mapping_without_the_iin_is_refused_with_a_message(tree, login, chair_a):
    content, _info = handkept.build()
    client = login(chair_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("people:import"), {"file": upload(content), "consent_confirmed": "on"}
    )
    report_url = response["Location"]
    mapping = client.get(report_url).context["job"].mapping
    fields = {f"col{i}": ("" if k == "iin" else k) for i, k in enumerate(mapping)}
    response = client.post(report_url, {"header_row": 3, **fields})
    assert response.status_code == 200
    assert "Say which column holds: IIN" in response.content.decode()
