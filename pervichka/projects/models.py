"""Party projects: the catalog with targets, the primaries that joined, and events with their
participants, photos and cost. The plantings of ТазаLike live in the greening app and the
contest of ideas in the ideas app; both hang on this catalog."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import TranslatedNameMixin, pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.projects.enums import (
    EventStatus,
    ParticipantRole,
    ProjectKind,
    ProjectKpi,
)

COORD = {"max_digits": 9, "decimal_places": 6, "null": True, "blank": True}


class Project(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.GENERAL
    )
    goal = models.TextField(_("goal (Russian)"), blank=True)
    goal_kk = models.TextField(_("goal (Kazakh)"), blank=True)
    goal_en = models.TextField(_("goal (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_goal(self) -> str:
        return pick_name(self.goal, self.goal_kk, self.goal_en)


class ProjectTarget(models.Model):
    """What a district (or one primary) means to reach in a project in a year."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="targets", verbose_name=_("project")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="project_targets",
        verbose_name=_("organization"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kpi = models.CharField(_("indicator"), max_length=24, choices=ProjectKpi.choices)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project target")
        verbose_name_plural = _("project targets")
        ordering = ["project", "year", "kpi"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "unit", "year", "kpi"], name="project_target_unique"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="project_target_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}: {self.get_kpi_display()} {self.target}"


class Participation(models.Model):
    """A primary that joined a project (and, perhaps, left it)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="participations", verbose_name=_("project")
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="project_participations",
        verbose_name=_("primary organization"),
    )
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)

    history = HistoricalRecords()

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation in a project")
        verbose_name_plural = _("participations in projects")
        constraints = [
            models.UniqueConstraint(fields=["project", "primary"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.primary} — {self.project}"


class Event(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="events", verbose_name=_("project")
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="project_events",
        verbose_name=_("primary organization"),
    )
    title = models.CharField(_("title"), max_length=255)
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    settlement = models.ForeignKey(
        "orgs.Settlement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("settlement"),
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), **COORD)
    longitude = models.DecimalField(_("longitude"), **COORD)
    description = models.TextField(_("description"), blank=True)
    results = models.TextField(_("results"), blank=True)
    # The cost is what the district approved from the primary's project fund for this event.
    spending = models.OneToOneField(
        "dues.SpendingRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event",
        verbose_name=_("spending from the project fund"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["primary", "date"], name="event_primary_date"),
            models.Index(fields=["project", "date"], name="event_project_date"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"


class EventParticipant(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participants", verbose_name=_("event")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="event_participations",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.VOLUNTEER
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)

    history = HistoricalRecords()

    scope_path = "event__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="participant_unique"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="participant_hours_range"
            ),
        ]
        indexes = [models.Index(fields=["person", "role"], name="participant_person_role")]

    def __str__(self) -> str:
        return f"{self.person}: {self.event}"


def _photo_path(instance: "EventPhoto", filename: str) -> str:
    return f"events/{instance.event_id}/{filename}"


class EventPhoto(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event")
    )
    file = models.FileField(_("photo"), upload_to=_photo_path, max_length=255)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "event__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name
