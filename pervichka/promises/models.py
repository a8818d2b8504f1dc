"""The election programme's promises of a district, and the evidence of their execution:
every change of stage is an update with its date, text and a link, photo or document."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.promises.enums import PromiseStatus, Theme


class Promise(models.Model):
    district = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="promises",
        verbose_name=_("district"),
    )
    number = models.PositiveIntegerField(_("number in the programme"))
    programme = models.CharField(_("programme"), max_length=100, default="2021–2026")
    text = models.TextField(_("promise (Russian)"))
    text_kk = models.TextField(_("promise (Kazakh)"), blank=True)
    text_en = models.TextField(_("promise (English)"), blank=True)
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    settlement = models.ForeignKey(
        "orgs.Settlement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("settlement (empty: the whole district)"),
    )
    responsible_deputy = models.ForeignKey(
        "deputies.Deputy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promises",
        verbose_name=_("responsible deputy"),
    )
    responsible_body = models.CharField(_("responsible body"), max_length=255, blank=True)
    due_date = models.DateField(_("due"))
    # The stage of the latest update; kept here so lists filter and count by it.
    status = models.CharField(
        _("status"), max_length=12, choices=PromiseStatus.choices, default=PromiseStatus.NOT_STARTED
    )
    status_since = models.DateField(_("since"), null=True, blank=True)
    appeals = models.ManyToManyField(
        "appeals.Appeal", blank=True, related_name="promises", verbose_name=_("related appeals")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="promises", verbose_name=_("related projects")
    )
    events = models.ManyToManyField(
        "projects.Event", blank=True, related_name="promises", verbose_name=_("related events")
    )
    is_public = models.BooleanField(_("shown on the public tracker"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[])

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "programme", "number"], name="promise_number_unique"
            )
        ]
        indexes = [models.Index(fields=["district", "status"], name="promise_district_status")]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_text[:80]}"

    @property
    def display_text(self) -> str:
        return pick_name(self.text, self.text_kk, self.text_en)


def _evidence_path(instance: "PromiseUpdate", filename: str) -> str:
    return f"promises/{instance.promise_id}/{filename}"


class PromiseUpdate(models.Model):
    """One step of a promise with its evidence. Never edited: a correction is a new update."""

    promise = models.ForeignKey(
        Promise, on_delete=models.CASCADE, related_name="updates", verbose_name=_("promise")
    )
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=PromiseStatus.choices)
    text = models.TextField(_("what was done"))
    reason = models.TextField(_("reason"), blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(
        _("photo or document"), upload_to=_evidence_path, blank=True, max_length=255
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "promise__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promise update")
        verbose_name_plural = _("promise updates")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.promise_id}: {self.status} {self.date:%d.%m.%Y}"

    @property
    def file_is_image(self) -> bool:
        return (self.file.name or "").lower().endswith((".jpg", ".jpeg", ".png"))
