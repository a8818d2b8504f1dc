"""The register of personal data breaches (issue 13, point 12)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.scoping import ScopedQuerySet
from pervichka.privacy.enums import BreachStatus


class Breach(models.Model):
    """An incident with personal data (a leak, a lost list, a break-in). The authorised body
    must be told within one Kazakhstan working day of its detection: `notify_due` is that
    deadline, the responsible person is reminded until the notification is recorded."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    detected_at = models.DateTimeField(_("detected"))
    description = models.TextField(_("what happened"))
    people_affected = models.PositiveIntegerField(_("how many people"))
    measures = models.TextField(_("measures taken"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    notify_due = models.DateTimeField(_("notify the authorised body by"))
    status = models.CharField(
        _("status"), max_length=16, choices=BreachStatus.choices, default=BreachStatus.OPEN
    )
    notified_at = models.DateTimeField(_("authorised body notified"), null=True, blank=True)
    notified_how = models.CharField(_("how and to whom"), max_length=500, blank=True)
    notification_ref = models.CharField(_("outgoing number"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone_now)

    history = HistoricalRecords()

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data breach")
        verbose_name_plural = _("personal data breaches")
        ordering = ["-detected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=BreachStatus.OPEN, notified_at__isnull=True)
                | Q(status=BreachStatus.NOTIFIED, notified_at__isnull=False),
                name="breach_notified_iff_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.detected_at:%Y-%m-%d} {self.unit_id}"
