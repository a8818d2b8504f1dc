"""Retention (issue 13, point 11), at the fixed date of tests.clock (7 December 2026): the
daily task anonymises closed appeals and youth cases past their term, anonymises persons
left with no purpose, and removes member import uploads once decided or after a day."""

import datetime as dt
import os
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pervichka.appeals import services as appeals
from pervichka.appeals.models import Appeal
from pervichka.core.iin import generate_iin
from pervichka.core.tasks import task_retention_apply
from pervichka.people.enums import ImportStatus
from pervichka.people.importing import member_import_check
from pervichka.people.models import MemberImport, Person
from pervichka.people.services import PersonData
from pervichka.youth import services as youth
from pervichka.youth.models import Case
from tests.clock import ALMATY
from tests.people.test_import import row, xlsx


@pytest.fixture(autouse=True)
def _terms(settings):
    settings.PERVICHKA_RETENTION_APPEALS_DAYS = 365
    settings.PERVICHKA_RETENTION_YOUTH_DAYS = 365
    settings.PERVICHKA_RETENTION_IMPORT_HOURS = 24


def _closed_appeal(tree, operator, categories, *, closed_on: dt.date, serial: int) -> Appeal:
    appeal = appeals.appeal_register(
        actor=operator,
        district=tree.district,
        data=PersonData(
            surname="Гражданин",
            name=f"Номер{serial}",
            iin=generate_iin(dt.date(1980, 1, 1), "M", serial=serial),
            phone="+77017770000",
            consent_method="paper",
        ),
        intake=appeals.Intake(
            channel="phone", category=categories["roads"], text="Яма у дома 5, Абая"
        ),
        confirm_duplicate=True,
    )
    closed_at = dt.datetime.combine(closed_on, dt.time(12), tzinfo=ALMATY)
    Appeal.objects.filter(pk=appeal.pk).update(
        status="closed", outcome="solved", answer_text="Засыпали", closed_at=closed_at
    )
    return Appeal.objects.get(pk=appeal.pk)


def test_expired_appeals_are_anonymised_and_recent_ones_kept(tree, operator, categories):
    old = _closed_appeal(tree, operator, categories, closed_on=dt.date(2025, 12, 6), serial=801)
    recent = _closed_appeal(tree, operator, categories, closed_on=dt.date(2025, 12, 8), serial=802)
    result = task_retention_apply()
    assert result["appeals"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.number, old.text, old.contact_phone, old.outcome) == (
        old.number, "—", "", "solved",
    )  # fmt: skip
    assert recent.text == "Яма у дома 5, Абая"
    old_person = Person.objects.get(pk=old.person_id)
    assert (old_person.iin, old_person.surname, old_person.phone) == (None, "—", "")
    assert Person.objects.get(pk=recent.person_id).surname == "Гражданин"
    # Run again: nothing more to do.
    assert task_retention_apply()["appeals"] == 0


def test_a_person_with_another_purpose_keeps_their_name(tree, operator, categories, member_a):
    appeal = appeals.appeal_register(
        actor=operator,
        district=tree.district,
        data=PersonData(iin=member_a.person.iin, surname="Ахметова", name="Айгерим"),
        intake=appeals.Intake(channel="phone", category=categories["roads"], text="Старое"),
        confirm_duplicate=True,
    )
    Appeal.objects.filter(pk=appeal.pk).update(
        status="closed",
        outcome="solved",
        closed_at=dt.datetime(2024, 1, 10, 12, tzinfo=ALMATY),
    )
    task_retention_apply()
    member_a.person.refresh_from_db()
    assert member_a.person.surname == "Ахметова"  # a current member
    assert Appeal.objects.get(pk=appeal.pk).text == "—"


def test_expired_youth_cases_lose_their_texts(tree, chair_a):
    young = youth.young_person_register(
        actor=chair_a,
        primary=tree.primary_a,
        facts={},
        data=PersonData(
            surname="Молодой",
            name="Данияр",
            birth_date=dt.date(2002, 2, 2),
            consent_method="paper",
        ),
    )
    case = youth.case_open(actor=chair_a, yp=young, needs=["employment"])
    Case.objects.filter(pk=case.pk).update(
        status="closed",
        assessment="Нет работы, живёт с бабушкой",
        closed_at=dt.datetime(2025, 6, 1, 12, tzinfo=ALMATY),
    )
    result = task_retention_apply()
    assert result["youth"] >= 1
    case.refresh_from_db()
    assert case.assessment == "—"
    young.person.refresh_from_db()
    assert young.person.surname == "—"


def test_import_uploads_are_removed_once_decided_or_after_a_day(tree, chair_a):
    fresh = member_import_check(actor=chair_a, upload=xlsx([row()]))
    with time_machine.travel(dt.datetime(2026, 12, 5, 9, tzinfo=ALMATY), tick=False):
        stale = member_import_check(actor=chair_a, upload=xlsx([row()]))
    decided = member_import_check(actor=chair_a, upload=xlsx([row()]))
    MemberImport.objects.filter(pk=decided.pk).update(status=ImportStatus.CANCELLED)
    paths = {job.pk: job.file.path for job in (fresh, stale, decided)}
    result = task_retention_apply()
    assert result["people.import_files"] == 2
    assert os.path.exists(paths[fresh.pk])
    assert not os.path.exists(paths[stale.pk])
    assert not os.path.exists(paths[decided.pk])
    stale.refresh_from_db()
    assert (stale.status, stale.file.name) == (ImportStatus.CANCELLED, "")


def test_a_hostile_upload_name_does_not_escape_media(tree, chair_a, settings):
    job = member_import_check(
        actor=chair_a, upload=SimpleUploadedFile("../../etc/passwd.xlsx", xlsx([row()]).read())
    )
    MemberImport.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTED)
    path = MemberImport.objects.get(pk=job.pk).file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    task_retention_apply()
    assert not os.path.exists(path)


def test_the_task_is_scheduled_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["privacy-retention"]["task"] == "core.retention_apply"
    assert settings.CELERY_BEAT_SCHEDULE["privacy-breaches-remind"]["task"] == (
        "privacy.breaches_remind"
    )


def test_the_command_runs_retention_and_reminders(tree, operator, categories):
    _closed_appeal(tree, operator, categories, closed_on=dt.date(2024, 12, 6), serial=803)
    out = StringIO()
    call_command("privacy_daily", stdout=out)
    assert "retention appeals: 1" in out.getvalue()
    assert "breach reminders: 0" in out.getvalue()
