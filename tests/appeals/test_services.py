import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pervichka.appeals import services
from pervichka.appeals.enums import Action, Status
from pervichka.appeals.models import Appeal, AppealEvent, AppealRules
from pervichka.appeals.selectors import appeals_visible
from pervichka.core.calendar import add_months, calendar
from pervichka.core.models import Notification
from pervichka.core.notify import LocmemSMSBackend
from pervichka.people.models import Person
from tests.appeals.conftest import MONDAY

D = dt.date


def test_registration_gives_number_code_and_deadline(tree, register, operator):
    first, second = register(), register(text="Другая тема", iin="850715400004")
    assert first.number == "AKZ-2026-000001"
    assert second.number == "AKZ-2026-000002"
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", first.tracking_code)
    assert first.tracking_code != second.tracking_code
    # Monday 2 Nov + 15 working days, no holiday on the way: Monday 23 Nov.
    assert first.due_date == D(2026, 11, 23)
    assert first.redirect_due_date == D(2026, 11, 5)
    assert first.status == Status.REGISTERED
    event = first.events.get()
    assert (event.action, event.actor, event.to_status) == ("register", operator, "registered")


def test_the_citizen_is_told_the_number_and_code_by_sms_after_commit(
    tree, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = register()
    [(to, text)] = LocmemSMSBackend.outbox
    assert to == "+77012345678"
    assert appeal.number in text
    assert appeal.tracking_code_display in text
    assert "23.11.2026" in text
    assert Notification.objects.get(kind="citizen_registered").status == "sent"


def test_a_rolled_back_registration_sends_nothing(
    tree, register, categories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        register(text="")
    assert LocmemSMSBackend.outbox == []
    assert not Appeal.objects.exists()


def test_the_person_is_found_by_iin_and_consent_is_required_for_a_new_one(tree, register):
    first = register()
    second = register(text="Второе обращение о школе", category="education")
    assert first.person_id == second.person_id
    with pytest.raises(ValidationError) as exc:
        register(iin="000228501239", consent_method="")
    assert "consent_method" in exc.value.message_dict
    assert Person.objects.count() == 1


def test_same_person_same_category_within_90_days_is_a_repeat(tree, register):
    start = MONDAY - dt.timedelta(days=200)
    first = register(text="Нет воды", received_at=start)
    repeat = register(text="Воды всё ещё нет", received_at=start + dt.timedelta(days=30))
    other_topic = register(
        text="Про дорогу", category="roads", received_at=start + dt.timedelta(days=31)
    )
    late = register(text="Снова вода", received_at=start + dt.timedelta(days=125))
    assert repeat.repeat_of == first
    assert other_topic.repeat_of is None
    assert late.repeat_of is None


def test_a_likely_duplicate_is_shown_before_saving(tree, register):
    original = register(text="В селе Талшик третью неделю нет воды в водопроводе")
    with pytest.raises(services.DuplicateSuspected) as exc:
        register(
            text="Третью неделю нет воды в водопроводе в селе Талшик",
            confirm_duplicate=False,
            received_at=None,
        )
    assert [a for a, _score in exc.value.similar] == [original]
    assert Appeal.objects.count() == 1
    register(
        text="Третью неделю нет воды в водопроводе в селе Талшик",
        confirm_duplicate=True,
        received_at=None,
    )
    assert Appeal.objects.count() == 2


def test_the_workflow_to_the_end(tree, register, district_admin, chair_a):
    appeal = register()
    appeal = services.appeal_assign(
        actor=district_admin,
        appeal=appeal,
        unit=tree.primary_a,
        user=chair_a,
        reason="по территории",
    )
    appeal = services.appeal_start(actor=chair_a, appeal=appeal)
    appeal = services.appeal_answer(
        actor=chair_a, appeal=appeal, outcome="solved", text="Подача воды восстановлена."
    )
    appeal = services.appeal_close(actor=district_admin, appeal=appeal)
    assert appeal.status == Status.CLOSED
    steps = list(appeal.events.values_list("action", "from_status", "to_status", "actor"))
    assert steps == [
        ("register", "", "registered", steps[0][3]),
        ("assign", "registered", "assigned", district_admin.pk),
        ("start", "assigned", "in_progress", chair_a.pk),
        ("answer", "in_progress", "answered", chair_a.pk),
        ("close", "answered", "closed", district_admin.pk),
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("registered", "answer"),
        ("registered", "close"),
        ("closed", "start"),
        ("redirected", "answer"),
        ("answered", "extend"),
        ("registered", "reopen"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(
    tree, register, district_admin, status, action
):
    appeal = register()
    Appeal.objects.filter(pk=appeal.pk).update(status=status, outcome="solved")
    appeal.refresh_from_db()
    call = {
        "answer": lambda: services.appeal_answer(
            actor=district_admin, appeal=appeal, outcome="solved", text="x"
        ),
        "close": lambda: services.appeal_close(actor=district_admin, appeal=appeal),
        "start": lambda: services.appeal_start(actor=district_admin, appeal=appeal),
        "extend": lambda: services.appeal_extend(
            actor=district_admin, appeal=appeal, until=D(2026, 12, 30), reason="x"
        ),
        "reopen": lambda: services.appeal_reopen(actor=district_admin, appeal=appeal, reason="x"),
    }[action]
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.code == "illegal_transition"
    assert exc.value.messages[0].startswith("An appeal that is «")
    appeal.refresh_from_db()
    assert appeal.status == status
    assert not appeal.events.exclude(action="register").exists()


def test_extension_needs_a_reason_and_stays_within_two_months(
    tree, register, operator, django_capture_on_commit_callbacks
):
    appeal = register()
    with pytest.raises(ValidationError) as exc:
        services.appeal_extend(actor=operator, appeal=appeal, until=D(2026, 12, 10), reason="")
    assert "reason" in exc.value.message_dict
    # 23 Nov + 2 months is Saturday 23 Jan 2027: the latest deadline is Friday the 22nd.
    for too_late in (D(2027, 1, 24), D(2027, 1, 23)):
        with pytest.raises(ValidationError) as exc:
            services.appeal_extend(
                actor=operator, appeal=appeal, until=too_late, reason="экспертиза"
            )
        assert "22.01.2027" in exc.value.message_dict["until"][0]
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_extend(
            actor=operator, appeal=appeal, until=D(2027, 1, 22), reason="Нужна экспертиза"
        )
    assert (appeal.due_date, appeal.original_due_date) == (D(2027, 1, 22), D(2026, 11, 23))
    event = appeal.events.get(action=Action.EXTEND)
    assert event.reason == "Нужна экспертиза"
    assert event.details["from"] == "2026-11-23"
    assert "22.01.2027" in LocmemSMSBackend.outbox[-1][1]
    # A second extension can not go past the same limit.
    with pytest.raises(ValidationError):
        services.appeal_extend(actor=operator, appeal=appeal, until=D(2027, 2, 1), reason="ещё")


@pytest.mark.parametrize(
    ("until", "message"),
    [
        # A Saturday, and Independence Day (a Wednesday).
        (
            D(2026, 12, 12),
            "12.12.2026 is a day off: the deadline must be a working day. "
            "The nearest earlier working day is 11.12.2026.",
        ),
        (
            D(2026, 12, 16),
            "16.12.2026 is a day off: the deadline must be a working day. "
            "The nearest earlier working day is 15.12.2026.",
        ),
    ],
)
def test_an_extension_to_a_day_off_is_refused_naming_the_working_day_before(
    tree, register, operator, until, message
):
    appeal = register()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.appeal_extend(actor=operator, appeal=appeal, until=until, reason="экспертиза")
    assert exc.value.message_dict["until"] == [message]
    appeal.refresh_from_db()
    assert (appeal.due_date, appeal.extended_until) == (D(2026, 11, 23), None)
    assert not appeal.events.filter(action=Action.EXTEND).exists()


def test_a_day_off_right_after_the_deadline_names_the_next_working_day(tree, register, operator):
    # Received on Friday 6 Nov: due on Friday 27 Nov; the Saturday after has no earlier
    # working day that would extend anything.
    appeal = register(received_at=MONDAY + dt.timedelta(days=4))
    assert appeal.due_date == D(2026, 11, 27)
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        services.appeal_extend(
            actor=operator, appeal=appeal, until=D(2026, 11, 28), reason="экспертиза"
        )
    assert exc.value.message_dict["until"] == [
        "28.11.2026 — выходной день: срок должен приходиться на рабочий день. "
        "Ближайший рабочий день после него — 30.11.2026."
    ]


class Rollback(Exception):
    pass


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    received=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 11, 20)),
    offsets=st.lists(st.integers(-5, 80), min_size=1, max_size=3),
)
def test_an_extension_is_accepted_exactly_for_a_later_working_day_within_the_limit(
    tree, register, operator, received, offsets
):
    cal = calendar()
    try:
        with transaction.atomic():
            appeal = register(
                received_at=dt.datetime.combine(received, dt.time(10), tzinfo=MONDAY.tzinfo)
            )
            limit = add_months(appeal.original_due_date, 2)
            for offset in offsets:
                before = appeal.due_date
                until = appeal.original_due_date + dt.timedelta(days=offset)
                if before < until <= limit and cal.is_working_day(until):
                    appeal = services.appeal_extend(
                        actor=operator, appeal=appeal, until=until, reason="экспертиза"
                    )
                    assert appeal.due_date == until
                    continue
                with pytest.raises(ValidationError) as exc:
                    services.appeal_extend(
                        actor=operator, appeal=appeal, until=until, reason="экспертиза"
                    )
                assert list(exc.value.message_dict) == ["until"]
                appeal.refresh_from_db()
                assert appeal.due_date == before
            raise Rollback
    except Rollback:
        pass


def test_redirect_tells_the_citizen_where(
    tree, register, operator, django_capture_on_commit_callbacks
):
    appeal = register()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_redirect(
            actor=operator,
            appeal=appeal,
            to="Акимат Акжарского района",
            reason="Вопрос местного исполнительного органа",
        )
    assert appeal.status == Status.REDIRECTED
    assert "Акимат Акжарского района" in LocmemSMSBackend.outbox[-1][1]


def test_a_refusal_must_give_reasons(tree, appeal_a, chair_a):
    with pytest.raises(ValidationError) as exc:
        services.appeal_answer(actor=chair_a, appeal=appeal_a, outcome="refused", text="Нет.")
    assert "text" in exc.value.message_dict


def test_return_for_rework_then_answer_again(tree, appeal_a, chair_a, district_admin):
    services.appeal_answer(actor=chair_a, appeal=appeal_a, outcome="explained", text="Разъяснено")
    services.appeal_return(actor=district_admin, appeal=appeal_a, reason="Ответ неполный")
    appeal = services.appeal_answer(
        actor=chair_a, appeal=appeal_a, outcome="solved", text="Дорога отремонтирована"
    )
    assert appeal.status == Status.ANSWERED
    assert list(appeal.events.values_list("action", flat=True))[-3:] == [
        "answer",
        "return",
        "answer",
    ]


def test_a_chair_cannot_return_an_answer_only_the_district_can(tree, appeal_a, chair_a):
    services.appeal_answer(actor=chair_a, appeal=appeal_a, outcome="explained", text="Ответ")
    with pytest.raises(Http404):
        services.appeal_return(actor=chair_a, appeal=appeal_a, reason="x")


def test_citizen_rates_and_reopens_within_the_window(tree, appeal_a, chair_a, now_on):
    appeal = services.appeal_answer(
        actor=chair_a, appeal=appeal_a, outcome="solved", text="Сделано"
    )
    appeal = services.appeal_rate_by_citizen(appeal=appeal, satisfaction="not_satisfied")
    assert (appeal.satisfaction, appeal.satisfaction_source) == ("not_satisfied", "link")
    appeal = services.appeal_reopen_by_citizen(appeal=appeal, reason="Дорогу так и не сделали")
    assert appeal.status == Status.REOPENED
    event = appeal.events.last()
    assert event.by_citizen
    assert event.actor is None
    again = services.appeal_answer(actor=chair_a, appeal=appeal, outcome="solved", text="Сделано")
    now_on(again.answered_at + dt.timedelta(days=31))
    with pytest.raises(ValidationError):
        services.appeal_reopen_by_citizen(appeal=again, reason="снова")


def test_scoping_chair_b_and_another_districts_operator_see_nothing(
    tree, appeal_a, chair_a, chair_b, other_admin, operator, auditor
):
    assert list(appeals_visible(chair_a)) == [appeal_a]
    assert list(appeals_visible(operator)) == [appeal_a]
    assert list(appeals_visible(auditor)) == [appeal_a]
    assert list(appeals_visible(chair_b)) == []
    assert list(appeals_visible(other_admin)) == []
    for call in (
        lambda: services.appeal_start(actor=chair_b, appeal=appeal_a),
        lambda: services.appeal_extend(
            actor=other_admin, appeal=appeal_a, until=D(2026, 12, 1), reason="x"
        ),
        lambda: services.appeal_answer(actor=chair_b, appeal=appeal_a, outcome="solved", text="x"),
    ):
        with pytest.raises(Http404):
            call()
    appeal_a.refresh_from_db()
    assert appeal_a.status == Status.ASSIGNED


def test_a_chair_cannot_register_or_assign_elsewhere(tree, register, chair_a, district_admin):
    with pytest.raises(Http404):
        register(actor=chair_a)
    appeal = register()
    with pytest.raises(Http404):
        services.appeal_assign(actor=chair_a, appeal=appeal, unit=tree.primary_a)


def test_the_assignee_is_told_and_reminded_once(
    tree, register, district_admin, chair_a, django_capture_on_commit_callbacks
):
    chair_a.email = "chair@example.org"
    chair_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_assign(
            actor=district_admin, appeal=register(), unit=tree.primary_a, user=chair_a
        )
    assert mail.outbox[-1].to == ["chair@example.org"]
    assert appeal.number in mail.outbox[-1].body
    # Two working days before the deadline (Mon 23 Nov): Thursday 19 November.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.appeals_remind_due(today=D(2026, 11, 18)) == 0
        assert services.appeals_remind_due(today=D(2026, 11, 19)) == 1
        services.appeals_remind_due(today=D(2026, 11, 20))
    reminders = Notification.objects.filter(kind="assignee_due_soon")
    assert reminders.count() == 1
    assert "23.11.2026" in reminders.get().body


def test_the_reminder_reads_the_rules_once_per_district_whatever_the_number_of_appeals(
    tree, register, district_admin, chair_a, django_capture_on_commit_callbacks
):
    def rule_reads(appeals: int) -> int:
        for index in range(appeals):
            services.appeal_assign(
                actor=district_admin,
                appeal=register(text=f"Тема {index}", iin="850715400004"),
                unit=tree.primary_a,
                user=chair_a,
            )
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            services.appeals_remind_due(today=D(2026, 11, 19))
        return sum("appeals_appealrules" in q["sql"] for q in queries.captured_queries)

    assert rule_reads(1) == 1
    assert rule_reads(3) == 1


def test_reading_the_rules_of_a_district_without_any_writes_nothing(tree):
    rules = services.rules_for(tree.district)
    assert rules.pk is None
    assert (rules.answer_working_days, rules.reminder_working_days) == (15, 2)
    assert not AppealRules.objects.exists()
    rules.answer_working_days = 10  # an administrator saves them: now they are stored
    rules.save()
    assert services.rules_for(tree.district).answer_working_days == 10


def test_a_failing_sms_gateway_keeps_the_message_for_a_retry(
    tree, register, settings, django_capture_on_commit_callbacks
):
    settings.PERVICHKA_SMS_BACKEND = "pervichka.core.notify.FailingSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        appeal = register()
    failed = Notification.objects.get(kind="citizen_registered")
    assert failed.status == "failed"
    assert "unreachable" in failed.error
    assert Appeal.objects.filter(pk=appeal.pk).exists()
    settings.PERVICHKA_SMS_BACKEND = "pervichka.core.notify.LocmemSMSBackend"
    from pervichka.core.tasks import task_notifications_retry

    task_notifications_retry()
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert failed.attempts == 2


def test_attachments_are_checked_by_type_size_and_content(tree, appeal_a, operator, settings):
    photo = SimpleUploadedFile("road.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100)
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image")
    exe = SimpleUploadedFile("run.exe", b"MZ")
    with pytest.raises(ValidationError) as exc:
        services.attachments_add(actor=operator, appeal=appeal_a, uploads=[photo, fake])
    assert "virus.jpg" in exc.value.messages[0]
    assert not appeal_a.attachments.exists()  # a bad file stores none of them
    with pytest.raises(ValidationError):
        services.attachments_add(actor=operator, appeal=appeal_a, uploads=[exe])
    settings.PERVICHKA_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError):
        services.attachments_add(actor=operator, appeal=appeal_a, uploads=[photo])
    settings.PERVICHKA_ATTACHMENT_MAX_BYTES = 10_000
    photo.seek(0)
    [stored] = services.attachments_add(actor=operator, appeal=appeal_a, uploads=[photo])
    assert stored.content_type == "image/jpeg"
    assert stored.file.read().startswith(b"\xff\xd8\xff")


def test_every_transition_is_recorded_with_actor_and_reason(tree, appeal_a, operator):
    services.appeal_extend(
        actor=operator, appeal=appeal_a, until=D(2026, 12, 10), reason="Ждём ответ акимата"
    )
    event = AppealEvent.objects.filter(appeal=appeal_a).last()
    assert (event.actor, event.reason) == (operator, "Ждём ответ акимата")
    assert appeal_a.history.count() >= 2
