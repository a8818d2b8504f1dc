"""The news workflow: who may move an item where, the moderation deadline in working days,
notifications through the outbox, history, and the refusal of personal data."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from pervichka.core.counters import counter_value
from pervichka.core.models import Notification
from pervichka.media import selectors, services
from pervichka.media.services import NEWS_COUNTER
from tests.media.conftest import news_data


def test_news_full_workflow_with_changes_requested(
    draft, correspondent_a, press_secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        item = services.news_act(actor=correspondent_a, item=draft, action="submit")
    assert item.status == "submitted"
    # Monday 7 December 2026 + 2 working days.
    assert item.due_on == dt.date(2026, 12, 9)
    [to_moderator] = Notification.objects.filter(kind="media.submitted")
    assert to_moderator.to == "press@example.org"
    assert "2026-12-09" in to_moderator.body

    with pytest.raises(ValidationError):  # a request for changes says what to change
        services.news_act(actor=press_secretary, item=item, action="request_changes")
    item = services.news_act(
        actor=press_secretary, item=item, action="request_changes", note="Добавьте фото"
    )
    assert item.status == "changes"
    assert Notification.objects.get(kind="media.request_changes").to == "corr_a@example.org"
    item = services.news_update(
        actor=correspondent_a, item=item, data=news_data(title="Талшик: большой субботник")
    )
    item = services.news_act(actor=correspondent_a, item=item, action="submit")
    item = services.news_act(actor=press_secretary, item=item, action="approve")
    item = services.news_act(actor=press_secretary, item=item, action="publish")
    assert item.status == "published"
    assert timezone.now() - item.published_at < dt.timedelta(seconds=5)
    reasons = [h.history_change_reason for h in item.history.order_by("history_date")]
    assert reasons == [
        "create",
        "submit",
        "request_changes: Добавьте фото",
        "edit",
        "submit",
        "approve",
        "publish",
    ]
    assert item.history.filter(history_user=press_secretary).count() == 3


def test_correspondent_cannot_moderate_own_item(draft, correspondent_a):
    item = services.news_act(actor=correspondent_a, item=draft, action="submit")
    with pytest.raises(Http404):
        services.news_act(actor=correspondent_a, item=item, action="approve")
    item.refresh_from_db()
    assert item.status == "submitted"


def test_outsiders_cannot_touch_primary_a_items(
    draft, correspondent_b, press_secretary_other, chair_b
):
    for outsider in (correspondent_b, press_secretary_other, chair_b):
        with pytest.raises(Http404):
            services.news_act(actor=outsider, item=draft, action="submit")
        with pytest.raises(Http404):
            services.news_update(actor=outsider, item=draft, data=news_data("Взлом"))
        with pytest.raises(Http404):
            selectors.news_get(outsider, draft.pk)
    draft.refresh_from_db()
    assert (draft.status, draft.title) == ("draft", "Талшик: субботник")


def test_correspondent_writes_only_for_own_primary(correspondent_a, tree):
    with pytest.raises(Http404):
        services.news_create(actor=correspondent_a, unit=tree.primary_b, data=news_data())
    with pytest.raises(Http404):
        services.news_create(actor=correspondent_a, unit=tree.district, data=news_data())


def test_press_secretary_publishes_district_item(press_secretary, tree):
    item = services.news_create(actor=press_secretary, unit=tree.district, data=news_data())
    for action in ("submit", "approve", "publish"):
        item = services.news_act(actor=press_secretary, item=item, action=action)
    assert item.status == "published"


def test_illegal_transition_named_in_the_refusal(draft, press_secretary):
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.news_act(actor=press_secretary, item=draft, action="publish")
    assert "draft" in str(info.value.messages)


def test_author_cannot_edit_a_submitted_item(draft, correspondent_a):
    item = services.news_act(actor=correspondent_a, item=draft, action="submit")
    with pytest.raises(ValidationError):
        services.news_update(actor=correspondent_a, item=item, data=news_data("Другое"))


def test_moderator_change_of_published_item_bumps_the_news_version(
    published, press_secretary, django_capture_on_commit_callbacks
):
    before = counter_value(NEWS_COUNTER)
    with django_capture_on_commit_callbacks(execute=True):
        services.news_update(actor=press_secretary, item=published, data=news_data("Новое"))
    assert counter_value(NEWS_COUNTER) > before


def test_scheduled_item_is_published_when_due(draft, correspondent_a, press_secretary):
    item = services.news_act(actor=correspondent_a, item=draft, action="submit")
    item = services.news_act(actor=press_secretary, item=item, action="approve")
    with pytest.raises(ValidationError):
        services.news_act(
            actor=press_secretary, item=item, action="schedule", publish_at=timezone.now()
        )
    at = timezone.now() + dt.timedelta(hours=3)
    item = services.news_act(actor=press_secretary, item=item, action="schedule", publish_at=at)
    assert services.news_publish_due(now=timezone.now()) == 0
    assert services.news_publish_due(now=at) == 1
    item.refresh_from_db()
    assert (item.status, item.published_at) == ("published", at)


def test_moderation_queue_shows_age_and_overdue(draft, correspondent_a, press_secretary):
    services.news_act(actor=correspondent_a, item=draft, action="submit")
    [row] = selectors.moderation_queue(press_secretary, today=dt.date(2026, 12, 9))
    assert (row.item.pk, row.overdue) == (draft.pk, False)
    [row] = selectors.moderation_queue(press_secretary, today=dt.date(2026, 12, 10))
    assert row.overdue is True
    assert selectors.queue_summary(press_secretary, today=dt.date(2026, 12, 10)) == {
        "waiting": 1,
        "overdue": 1,
    }


def test_moderation_queue_of_another_district_is_empty(
    draft, correspondent_a, press_secretary_other
):
    services.news_act(actor=correspondent_a, item=draft, action="submit")
    assert selectors.moderation_queue(press_secretary_other) == []


# Personal data -------------------------------------------------------------------------------


def test_submission_refused_with_a_valid_iin(correspondent_a, tree):
    item = services.news_create(
        actor=correspondent_a,
        unit=tree.primary_a,
        data=news_data(body="<p>Победитель: ИИН 900101300126.</p>"),
    )
    with pytest.raises(ValidationError) as info:
        services.news_act(actor=correspondent_a, item=item, action="submit")
    assert "0126" in str(info.value.messages)
    assert "900101300126" not in str(info.value.messages)
    item.refresh_from_db()
    assert item.status == "draft"


def test_twelve_digits_with_a_wrong_check_digit_are_no_iin(correspondent_a, tree):
    item = services.news_create(
        actor=correspondent_a,
        unit=tree.primary_a,
        data=news_data(body="<p>Номер договора 900101300127.</p>"),
    )
    assert services.news_act(actor=correspondent_a, item=item, action="submit").status == (
        "submitted"
    )


@pytest.mark.parametrize(
    "text",
    ["Звоните: +7 701 123 45 67", "тел. 8 (747) 123-45-67", "<a href='tel:+77011234567'>тут</a>"],
)
def test_submission_refused_with_a_mobile_number(correspondent_a, tree, text):
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(lead_kk=text[:400], body=text)
    )
    with pytest.raises(ValidationError):
        services.news_act(actor=correspondent_a, item=item, action="submit")


def test_an_office_landline_may_stay(correspondent_a, tree):
    item = services.news_create(
        actor=correspondent_a,
        unit=tree.primary_a,
        data=news_data(body="<p>Приёмная: 8 (7172) 55-12-34</p>"),
    )
    assert services.news_act(actor=correspondent_a, item=item, action="submit").status == (
        "submitted"
    )
