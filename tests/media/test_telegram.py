"""Posting to Telegram through the Bot API, against a fake Bot API server on loopback (real
HTTP): the message's link is logged on success, the error on failure, and the retry sends
what failed."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from pervichka.media import services, telegram
from pervichka.media.models import TelegramPost


@pytest.fixture
def channel(published, press_secretary, tree):
    services.account_add(
        actor=press_secretary, unit=tree.district, platform="telegram", url="https://t.me/akzhar"
    )
    return "@akzhar"


def test_published_item_is_posted_and_its_link_logged(
    bot_api, published, press_secretary, channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = telegram.telegram_post_request(actor=press_secretary, item=published, chat=channel)
    post.refresh_from_db()
    assert (post.status, post.message_link, post.attempts) == (
        "sent",
        "https://t.me/akzhar/41",
        1,
    )
    [(path, body)] = bot_api.requests
    assert path == "/bot123:test-token/sendMessage"
    assert body["chat_id"] == "@akzhar"
    assert "Талшик: субботник" in body["text"]
    assert f"/news/{published.pk}/" in body["text"]


def test_failure_is_logged_and_retried(
    bot_api, published, press_secretary, channel, django_capture_on_commit_callbacks
):
    bot_api.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        post = telegram.telegram_post_request(actor=press_secretary, item=published, chat=channel)
    post.refresh_from_db()
    assert (post.status, post.error) == ("failed", "Too Many Requests: retry after 1")
    assert telegram.telegram_retry() == 1
    post.refresh_from_db()
    assert (post.status, post.attempts, post.error) == ("sent", 2, "")
    assert telegram.telegram_retry() == 0  # nothing left to send
    assert len(bot_api.requests) == 2


def test_unreachable_api_is_an_error_not_a_crash(
    settings, published, press_secretary, channel, django_capture_on_commit_callbacks
):
    settings.PERVICHKA_TELEGRAM_API_BASE = "http://127.0.0.1:9"  # nothing listens
    settings.PERVICHKA_TELEGRAM_BOT_TOKEN = "t"
    with django_capture_on_commit_callbacks(execute=True):
        post = telegram.telegram_post_request(actor=press_secretary, item=published, chat=channel)
    post.refresh_from_db()
    assert post.status == "failed"
    assert post.error


def test_withdrawn_item_is_never_posted(
    bot_api, published, press_secretary, channel, django_capture_on_commit_callbacks
):
    post = TelegramPost.objects.create(
        news_item=published, chat=channel, created_by=press_secretary
    )
    services.news_act(actor=press_secretary, item=published, action="unpublish", note="x")
    assert telegram.telegram_send(post=post).status == "failed"
    assert bot_api.requests == []


def test_only_published_items_to_known_channels_by_moderators(
    bot_api, draft, published, press_secretary, correspondent_a, press_secretary_other, channel
):
    with pytest.raises(ValidationError):
        telegram.telegram_post_request(actor=press_secretary, item=draft, chat=channel)
    with pytest.raises(ValidationError):
        telegram.telegram_post_request(actor=press_secretary, item=published, chat="@other")
    for outsider in (correspondent_a, press_secretary_other):
        with pytest.raises(Http404):
            telegram.telegram_post_request(actor=outsider, item=published, chat=channel)
    assert not TelegramPost.objects.exists()


def test_post_from_the_item_page(
    bot_api, login, published, press_secretary, channel, django_capture_on_commit_callbacks
):
    client = login(press_secretary)
    page = client.get(reverse("media:item", args=[published.pk])).content.decode()
    assert 'value="@akzhar"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("media:telegram", args=[published.pk]), {"chat": "@akzhar"})
    page = client.get(reverse("media:item", args=[published.pk])).content.decode()
    assert "https://t.me/akzhar/41" in page
