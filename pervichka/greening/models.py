"""ТазаLike plantings: trees or shrubs planted at one place on one day by a primary, perhaps
at one of its project events, and the later counts of how many are alive.

The tables were the projects app's before greening became an app of its own; they keep
their names (`db_table`), so that moving the models lost no row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.scoping import ScopedQuerySet
from pervichka.greening.enums import SiteKind

COORD = {"max_digits": 9, "decimal_places": 6, "null": True, "blank": True}


class Planting(models.Model):
    """Trees or shrubs of one species planted at one place on one day (ТазаLike)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="plantings",
        verbose_name=_("project"),
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="plantings",
        verbose_name=_("primary organization"),
    )
    event = models.ForeignKey(
        "projects.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plantings",
        verbose_name=_("event"),
    )
    planted_on = models.DateField(_("planted on"))
    settlement = models.ForeignKey(
        "orgs.Settlement", on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    species = models.CharField(_("species"), max_length=120)
    count = models.PositiveIntegerField(_("number planted"))
    site_kind = models.CharField(_("kind of site"), max_length=14, choices=SiteKind.choices)
    latitude = models.DecimalField(_("latitude"), **COORD)
    longitude = models.DecimalField(_("longitude"), **COORD)
    planted_by = models.CharField(_("who planted"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(table_name="projects_historicalplanting")

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "projects_planting"
        verbose_name = _("planting")
        verbose_name_plural = _("plantings")
        ordering = ["-planted_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(count__gt=0), name="planting_count_pos")]
        indexes = [models.Index(fields=["primary", "planted_on"], name="planting_primary_date")]

    def __str__(self) -> str:
        return f"{self.species} × {self.count} ({self.planted_on:%d.%m.%Y})"


class SurvivalCheck(models.Model):
    """A later count of how many of a planting are alive; the latest check is the rate."""

    planting = models.ForeignKey(
        Planting, on_delete=models.CASCADE, related_name="checks", verbose_name=_("planting")
    )
    checked_on = models.DateField(_("checked on"))
    alive = models.PositiveIntegerField(_("alive"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path = "planting__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "projects_survivalcheck"
        verbose_name = _("survival check")
        verbose_name_plural = _("survival checks")
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["planting", "checked_on"], name="check_planting_date")]

    def __str__(self) -> str:
        return f"{self.checked_on:%d.%m.%Y}: {self.alive}"
