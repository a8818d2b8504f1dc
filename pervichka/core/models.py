from django.db import models
from django.utils.translation import gettext_lazy as _

from pervichka.core.calendar_cache import forget_overrides


class CalendarOverrideQuerySet(models.QuerySet):
    """Bulk writes send no signals: tell the calendar cache here (`core.calendar_cache`)."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        forget_overrides()
        return rows

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        forget_overrides()
        return created

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        forget_overrides()
        return rows


class CalendarOverride(models.Model):
    """A day whose status differs from the law's calendar: a government-declared transfer.

    The `holidays` package knows Kazakhstan's holidays and their observed days, but not the
    transfers the government declares each year (a Saturday made working so that a Friday
    can be a day off). An administrator enters those here.
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a working day (e.g. a Saturday worked); unticked: a day off."),
    )
    note = models.CharField(_("reason"), max_length=255, blank=True)

    objects = CalendarOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("working-day transfer")
        verbose_name_plural = _("working-day transfers")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.note}"


class Notification(models.Model):
    """An outgoing message (SMS or email), stored before it is sent: the outbox.

    Services create these inside their transaction and a task sends them after commit, so a
    message is never sent for a change that rolled back, and never lost for one that stuck.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("email")
        # `to` is the chat id; `subject`, when set, is the message's reply_markup as JSON
        # (the buttons to rate an answer).
        TELEGRAM = "telegram", _("Telegram")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        # Claimed by a worker that is handing it to the gateway (see `claimed_at`).
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=40)
    # What the message is about, e.g. "appeal:123"; with `kind` it names the message.
    ref = models.CharField(max_length=64, db_index=True)
    # Unique when set: a reminder that must go once (per appeal and deadline) says so here.
    dedupe_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker claimed it for sending; a claim older than PERVICHKA_NOTIFICATION_CLAIM_SECONDS
    # (the worker died mid-send) makes the message eligible again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}: {self.kind}"
