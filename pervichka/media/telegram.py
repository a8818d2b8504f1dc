"""Posting a published news item to a Telegram channel through the Bot API.

Through the project's Bot API client (`core.telegram`, real HTTP; tests point it at a fake
server on loopback). No lock
or transaction is held across the call: the row is claimed by one UPDATE, the API is called,
and the result is written by a second UPDATE, like the outbox (core.outbox)."""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import siteurl
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.telegram import TelegramError
from pervichka.core.telegram import call as _call
from pervichka.media.enums import NewsStatus, Platform
from pervichka.media.models import NewsItem, SocialAccount, TelegramPost
from pervichka.orgs.selectors import district_of

MAX_ATTEMPTS = 5


def _text(post: TelegramPost) -> str:
    item = post.news_item
    link = siteurl.site_url() + reverse("public:news_item", args=[item.pk])
    return f"{item.title_kk}\n{item.lead_kk}\n\n{item.title}\n{item.lead}\n\n{link}"[:4096]


def _link(chat: str, result: dict) -> str:
    username = (result.get("chat") or {}).get("username") or chat.lstrip("@")
    return f"https://t.me/{username}/{result['message_id']}"


def telegram_send(*, post: TelegramPost) -> TelegramPost:
    """Send one waiting or failed post; safe to call twice (only one caller claims it)."""
    claimed = TelegramPost.objects.filter(
        pk=post.pk,
        status__in=[TelegramPost.Status.PENDING, TelegramPost.Status.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, status=TelegramPost.Status.PENDING)
    post = TelegramPost.objects.select_related("news_item").get(pk=post.pk)
    if not claimed:
        return post
    if post.news_item.status != "published":  # withdrawn meanwhile: never post it
        TelegramPost.objects.filter(pk=post.pk).update(
            status=TelegramPost.Status.FAILED,
            error="the item is not published",
            attempts=MAX_ATTEMPTS,
        )
    else:
        try:
            result = _call("sendMessage", {"chat_id": post.chat, "text": _text(post)})
        except TelegramError as exc:
            TelegramPost.objects.filter(pk=post.pk).update(
                status=TelegramPost.Status.FAILED, error=str(exc)[:2000]
            )
        else:
            TelegramPost.objects.filter(pk=post.pk).update(
                status=TelegramPost.Status.SENT,
                message_link=_link(post.chat, result),
                error="",
                sent_at=timezone.now(),
            )
    post.refresh_from_db()
    return post


def telegram_retry() -> int:
    """Send again what failed (a periodic task). Returns how many are now sent."""
    sent = 0
    for post in TelegramPost.objects.filter(
        status__in=[TelegramPost.Status.PENDING, TelegramPost.Status.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ):
        sent += telegram_send(post=post).status == TelegramPost.Status.SENT
    return sent


def telegram_channels(item: NewsItem) -> list[str]:
    """The channels an item may go to: the Telegram accounts of its unit and its district."""
    units = [item.unit] + [u for u in [district_of(item.unit)] if u and u != item.unit]
    chats = []
    for account in SocialAccount.objects.filter(
        unit__in=units, platform=Platform.TELEGRAM
    ).order_by("unit__path", "pk"):
        name = account.url.rstrip("/").rsplit("/", 1)[-1]
        if name:
            chats.append("@" + name)
    return chats


@transaction.atomic
def telegram_post_request(*, actor, item: NewsItem, chat: str) -> TelegramPost:
    """Ask for a published item to be posted to one of its channels; sent after commit and
    retried while it fails. A channel gets an item once."""
    if not has_perm_at(actor, Perm.MEDIA_MODERATE, item.unit.path):
        raise Http404
    if item.status != NewsStatus.PUBLISHED:
        raise ValidationError(_("Only a published item is posted to Telegram."))
    if chat not in telegram_channels(item):
        raise ValidationError({"chat": _("Record the Telegram channel among the accounts first.")})
    post, created = TelegramPost.objects.get_or_create(
        news_item=item, chat=chat, defaults={"created_by": actor}
    )
    if not created:
        raise ValidationError(_("This item was already posted to that channel."))
    transaction.on_commit(lambda: task_telegram_send.delay(post_id=post.pk), robust=True)
    return post


@shared_task(name="media.telegram_send")
def task_telegram_send(*, post_id: int) -> str:
    post = TelegramPost.objects.filter(pk=post_id).first()
    return telegram_send(post=post).status if post else "missing"


@shared_task(name="media.telegram_retry")
def task_telegram_retry() -> int:
    return telegram_retry()
