"""The breach register: an incident with personal data, its one-working-day deadline to
notify the authorised body, reminders to the responsible person through the outbox, and
the record of the notification (issue 13, point 12; docs/privacy.md)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pervichka.core.calendar import add_working_days
from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.services import notification_queue
from pervichka.privacy.enums import BreachStatus
from pervichka.privacy.models import Breach


def breach_deadline(detected_at: dt.datetime) -> dt.datetime:
    """One Kazakhstan working day after detection: the same hour of the next working day
    (a breach found on Friday evening is due on Monday evening, holidays permitting)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local = detected_at.astimezone(tz)
    day = add_working_days(local.date(), 1)
    return dt.datetime.combine(day, local.time(), tzinfo=tz)


def _require_breaches(actor, unit) -> None:
    if not has_perm_at(actor, Perm.PRIVACY_BREACHES, unit.path):
        raise Http404


@transaction.atomic
def breach_register(
    *,
    actor,
    unit,
    detected_at: dt.datetime,
    description: str,
    people_affected: int,
    measures: str,
    responsible,
) -> Breach:
    """Record an incident; its deadline to notify the authorised body is one working day.
    The responsible person must hold the breach register's right at the unit."""
    _require_breaches(actor, unit)
    if detected_at > timezone.now():
        raise ValidationError({"detected_at": _("The detection time cannot be in the future.")})
    if responsible is None or not has_perm_at(responsible, Perm.PRIVACY_BREACHES, unit.path):
        raise ValidationError(
            {"responsible": _("Choose a person who administers this organization.")}
        )
    breach = Breach(
        unit=unit,
        detected_at=detected_at,
        description=(description or "").strip(),
        people_affected=people_affected,
        measures=(measures or "").strip(),
        responsible=responsible,
        notify_due=breach_deadline(detected_at),
        created_by=actor,
    )
    breach.full_clean(exclude=["unit", "responsible", "created_by"])
    save_as(breach, actor)
    _breach_remind(breach, kind="breach_registered")
    return breach


@transaction.atomic
def breach_record_notification(
    *, actor, breach: Breach, notified_at: dt.datetime, how: str, reference: str = ""
) -> Breach:
    """Record that the authorised body was notified (when, how, the outgoing number)."""
    breach = Breach.objects.select_for_update(of=("self",)).select_related("unit").get(pk=breach.pk)
    _require_breaches(actor, breach.unit)
    if breach.status == BreachStatus.NOTIFIED:
        raise ValidationError(_("The notification has already been recorded."))
    if notified_at > timezone.now():
        raise ValidationError({"notified_at": _("The notification time cannot be in the future.")})
    if notified_at < breach.detected_at:
        raise ValidationError({"notified_at": _("The notification cannot precede the detection.")})
    how = (how or "").strip()
    if not how:
        raise ValidationError({"notified_how": _("Say how and to whom the notification went.")})
    breach.status = BreachStatus.NOTIFIED
    breach.notified_at = notified_at
    breach.notified_how = how[:500]
    breach.notification_ref = (reference or "").strip()[:100]
    save_as(breach, actor)
    return breach


def _breach_remind(breach: Breach, *, kind: str, dedupe: str | None = None) -> bool:
    user = breach.responsible
    due = timezone.localtime(breach.notify_due)
    # Reminders are written in the installation's language, like every outgoing message.
    with translation.override(settings.LANGUAGE_CODE):
        return _breach_message(breach, user, due, kind=kind, dedupe=dedupe)


def _breach_message(breach: Breach, user, due: dt.datetime, *, kind: str, dedupe) -> bool:
    body = _(
        "Personal data breach of %(detected)s (%(count)d people): notify the authorised "
        "body by %(due)s and record the notification in Pervichka."
    ) % {
        "detected": timezone.localtime(breach.detected_at).strftime("%d.%m.%Y %H:%M"),
        "count": breach.people_affected,
        "due": due.strftime("%d.%m.%Y %H:%M"),
    }
    return (
        notification_queue(
            channel="email",
            to=user.email,
            subject=_("Personal data breach: notify the authorised body"),
            body=body,
            kind=kind,
            ref=f"breach:{breach.pk}",
            dedupe_key=dedupe,
        )
        is not None
    )


def breaches_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the responsible person of every breach not yet notified: once when half of
    the time is gone, once at the deadline and once a day after it. Returns how many
    reminders were queued."""
    now = now or timezone.now()
    queued = 0
    for breach in Breach.objects.filter(status=BreachStatus.OPEN).select_related("responsible"):
        halfway = breach.detected_at + (breach.notify_due - breach.detected_at) / 2
        if now < halfway:
            continue
        overdue_days = (now - breach.notify_due).days
        stage = "half" if now < breach.notify_due else f"overdue-{overdue_days}"
        with transaction.atomic():
            queued += _breach_remind(
                breach, kind="breach_reminder", dedupe=f"breach:{breach.pk}:{stage}"
            )
    return queued
