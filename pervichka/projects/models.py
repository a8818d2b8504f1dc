"""Party projects: the catalog with targets, the primaries that joined, events with their
participants, photos and cost, ТазаLike plantings with survival checks, and the contest of
ideas with moderation, the jury's scores and the public's verified votes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import TranslatedNameMixin, pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.projects.enums import (
    EventStatus,
    IdeaStatus,
    ParticipantRole,
    ProjectKind,
    ProjectKpi,
    SiteKind,
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


class Planting(models.Model):
    """Trees or shrubs of one species planted at one place on one day (ТазаLike)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="plantings", verbose_name=_("project")
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="plantings",
        verbose_name=_("primary organization"),
    )
    event = models.ForeignKey(
        Event,
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

    history = HistoricalRecords()

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
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
        verbose_name = _("survival check")
        verbose_name_plural = _("survival checks")
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["planting", "checked_on"], name="check_planting_date")]

    def __str__(self) -> str:
        return f"{self.checked_on:%d.%m.%Y}: {self.alive}"


class Contest(models.Model):
    """The ideas contest of a district in a year, with its rules and the shortlist formula."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="contests", verbose_name=_("project")
    )
    district = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="contests",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    submit_until = models.DateField(_("ideas accepted until"))
    vote_until = models.DateField(_("voting open until"))
    jury_share = models.DecimalField(
        _("share of the jury in the combined score"), max_digits=3, decimal_places=2, default=0.7
    )
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=30)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ideas contest")
        verbose_name_plural = _("ideas contests")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="contest_district_year"),
            models.CheckConstraint(
                condition=Q(jury_share__gte=0) & Q(jury_share__lte=1), name="contest_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year} — {self.district}"


class JuryCriterion(TranslatedNameMixin, models.Model):
    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("contest")
    )
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)

    scope_path = "contest__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("jury criterion")
        verbose_name_plural = _("jury criteria")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_pos"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_pos"),
        ]

    def __str__(self) -> str:
        return self.display_name


class Idea(models.Model):
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("contest")
    )
    # The primary of the idea's village when there is one (it counts for the primary's
    # rating), else the district.
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("organization"),
    )
    settlement = models.ForeignKey(
        "orgs.Settlement", on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("the idea"))
    author = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="ideas", verbose_name=_("author")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    code = models.CharField(_("idea code"), max_length=12, unique=True)
    # The language the author wrote in: the SMS about the decision speaks it.
    language = models.CharField(max_length=2, default="ru")
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Kept on the row, counted by the vote that is inserted: the public list sorts by it.
    votes_count = models.PositiveIntegerField(_("votes"), default=0)

    history = HistoricalRecords(excluded_fields=["votes_count"])

    scope_path = "contest__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["contest", "status"], name="idea_contest_status")]

    def __str__(self) -> str:
        return self.title


class JuryScore(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(JuryCriterion, on_delete=models.PROTECT, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    scored_at = models.DateTimeField(auto_now=True)

    scope_path = "idea__contest__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")
        constraints = [
            models.UniqueConstraint(fields=["idea", "criterion", "juror"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}/{self.criterion_id}: {self.score}"


class Vote(models.Model):
    """One verified vote. The voter is kept only as a keyed hash of the phone number: enough
    to refuse a second vote, nothing to learn who voted."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    voted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["idea", "voter"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.voter[:8]}"


class VoteChallenge(models.Model):
    """A code sent by SMS to confirm a vote; it expires and allows few attempts."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    voter = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    token = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["voter", "created_at"], name="challenge_voter_time")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.voter[:8]}"
