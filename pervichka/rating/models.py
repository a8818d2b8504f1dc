"""The rating of primary chairs: a methodology that is data (versioned, approved, with its
dimensions, indicators, goalposts, peer groups and quality floors), the periods that close,
and the computed runs, each a new version, with every primary's score explained indicator by
indicator. The figures come from the KPI registry only (core.kpis)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pervichka.core import kpis
from pervichka.core.i18n import pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.rating.enums import (
    AuditStatus,
    Denominator,
    Direction,
    MethodologyStatus,
    ObjectionStatus,
    PeriodKind,
    RunStatus,
    SettlementGroup,
)


class ThreeLanguageText(models.Model):
    name = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        return pick_name(self.name, self.name_kk, self.name_en)

    def __str__(self) -> str:
        return self.display_name


class MethodologyQuerySet(ScopedQuerySet):
    def readable_by(self, user, perm):
        """The party-wide methodologies and those of the units in or above the scope: every
        chair reads the rules their primary is rated by."""
        return self.filter(
            models.Q(unit__isnull=True)
            | models.Q(pk__in=self.readable_upwards(user, perm).values("pk"))
        )


class Methodology(ThreeLanguageText):
    """One version of the rules. The party-wide default has no unit; a district or a region
    adopts it (a copy with `adopted_from`), changes weights and goalposts within the limits
    the version above sets, and approves it with a written rationale. Approved versions are
    never edited: a change is a new version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("adopted by (empty: party-wide)"),
    )
    adopted_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="adoptions"
    )
    description = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MethodologyStatus.choices,
        default=MethodologyStatus.DRAFT,
    )
    rationale = models.TextField(_("rationale"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Limits for the levels below: how far an adopting district may move a weight (as a share
    # of it) and a goalpost (as a share of the goalposts' span).
    weight_tolerance = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.25"))
    goalpost_tolerance = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("0.20")
    )
    # The share of the total weight that may lack data before a primary gets no rating.
    max_missing_weight = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("0.34")
    )
    winsor_low = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("5"))
    winsor_high = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("95"))
    band_a = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("85"))
    band_b = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("70"))
    band_c = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("55"))
    band_d = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("40"))
    mc_draws = models.PositiveIntegerField(default=500)
    mc_weight_spread = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.25"))
    mc_goalpost_spread = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("0.10")
    )
    # The share of the counted records drawn each period for the district to audit.
    audit_share = models.DecimalField(
        _("share of records audited"), max_digits=4, decimal_places=2, default=Decimal("0.10")
    )
    objection_days = models.PositiveSmallIntegerField(default=5)
    decision_days = models.PositiveSmallIntegerField(default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "unit__path"
    objects = MethodologyQuerySet.as_manager()

    class Meta:
        verbose_name = _("methodology")
        verbose_name_plural = _("methodologies")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="methodology_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} v{self.version}"

    @property
    def display_description(self) -> str:
        return pick_name(self.description, self.description_kk, self.description_en)

    def band_thresholds(self) -> list[tuple[str, Decimal]]:
        return [("A", self.band_a), ("B", self.band_b), ("C", self.band_c), ("D", self.band_d)]


class PeerGroup(ThreeLanguageText):
    """Primaries compared with each other: by members at the period's end and, where the
    methodology splits them, by the kind of settlement (a town or city is urban, a village
    or a station rural; a primary with no settlement recorded counts as urban)."""

    methodology = models.ForeignKey(
        Methodology, on_delete=models.CASCADE, related_name="peer_groups"
    )
    code = models.SlugField(max_length=20)
    min_members = models.PositiveIntegerField(default=0)
    max_members = models.PositiveIntegerField(null=True, blank=True)  # inclusive; empty: no top
    settlement = models.CharField(
        _("settlements"), max_length=5, choices=SettlementGroup.choices, blank=True
    )

    class Meta:
        ordering = ["min_members"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="rating_peer_group_unique")
        ]


class Dimension(ThreeLanguageText):
    methodology = models.ForeignKey(
        Methodology, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.SlugField(max_length=30)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)
    # The School's course that teaches this dimension: the tip links to it (by the course's
    # code, which the School resolves: core.kpis.course_link); the hint is its name in words.
    course_hint = models.CharField(max_length=255, blank=True)
    course_code = models.SlugField(_("School course code"), max_length=40, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="rating_dimension_unique")
        ]


class Indicator(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    kpi = models.CharField(_("KPI"), max_length=60)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    denominator = models.CharField(max_length=8, choices=Denominator.choices)
    # The value (after the denominator) beyond which nothing more is earned.
    cap = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    # Diminishing returns above it (compute.damp): the value after the denominator.
    knee = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "kpi"], name="rating_indicator_unique")
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        kpi = kpis.REGISTRY.get(self.kpi)
        return kpi.label if kpi else self.kpi


class Goalpost(models.Model):
    """The value scoring 0 (low) and 100 (high) for a peer group (empty: all), valid from a
    year until a later row replaces it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="goalposts")
    peer_group = models.ForeignKey(PeerGroup, null=True, blank=True, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    low = models.DecimalField(max_digits=12, decimal_places=4)
    high = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["indicator", "peer_group", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "peer_group", "year"], name="rating_goalpost_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(low=models.F("high")), name="rating_goalpost_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.peer_group_id}: {self.low}–{self.high} ({self.year})"


class QualityFloor(models.Model):
    """While an indicator is below its floor, the band is at best `best_band`: quality is not
    compensated by volume."""

    methodology = models.ForeignKey(
        Methodology, on_delete=models.CASCADE, related_name="quality_floors"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    minimum = models.DecimalField(max_digits=12, decimal_places=4)
    best_band = models.CharField(max_length=1)

    def __str__(self) -> str:
        return f"{self.indicator_id} ≥ {self.minimum} or at best {self.best_band}"


class RatingPeriod(models.Model):
    """A month, quarter or year. It closes at a date: the first computation on or after the
    close fixes the figures, later versions start from them (see services)."""

    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("rating period")
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "start"], name="rating_period_unique")
        ]

    def __str__(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%m.%Y}"
        return str(self.start.year)


class RatingRun(models.Model):
    """One computed version of a district's rating for a period. Never overwritten."""

    district = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(RatingPeriod, on_delete=models.PROTECT, related_name="runs")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="runs")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.COMPUTING
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    objections_until = models.DateField(_("objections until"), null=True, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        ordering = ["-period__start", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period", "version"], name="rating_run_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.period} v{self.version}"


class Score(models.Model):
    run = models.ForeignKey(RatingRun, on_delete=models.CASCADE, related_name="scores")
    primary = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    peer_group = models.ForeignKey(PeerGroup, null=True, on_delete=models.PROTECT)
    members = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    band = models.CharField(max_length=1, blank=True)
    band_limited_by = models.CharField(max_length=255, blank=True)
    no_rating_reason = models.CharField(max_length=255, blank=True)
    median_rank = models.DecimalField(max_digits=8, decimal_places=1, null=True)
    rank_low = models.PositiveIntegerField(null=True)  # best rank of the 90% interval
    rank_high = models.PositiveIntegerField(null=True)
    place = models.PositiveIntegerField(null=True)  # only where intervals do not overlap

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["median_rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "primary"], name="rating_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.primary_id}: {self.total} {self.band}"


class IndicatorScore(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    raw = models.DecimalField(max_digits=14, decimal_places=4, null=True)  # empty: no data
    denominator = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    capped = models.BooleanField(default=False)
    winsorised = models.BooleanField(default=False)
    corrected = models.BooleanField(default=False)  # by an upheld objection
    # Above three standard deviations of the primary's own history: to be reviewed.
    spike = models.BooleanField(default=False)
    damped = models.BooleanField(default=False)  # above the knee: diminishing returns
    # What failed audits took off the raw figure (the records' amounts).
    audit_removed = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    # The indicator's score 0–100 against its goalposts (the FK above is the primary's row).
    norm_score = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    weight = models.DecimalField(max_digits=8, decimal_places=4)  # share of the total, in %
    points = models.DecimalField(max_digits=6, decimal_places=2)
    peer_median = models.DecimalField(max_digits=14, decimal_places=4, null=True)

    scope_path = "score__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__dimension__order", "indicator__order", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.points}"


def _evidence_path(instance: "Objection", filename: str) -> str:
    return f"rating/objections/{instance.score_id}/{filename}"


class Objection(models.Model):
    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="objections")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what is wrong and why"))
    claimed_value = models.DecimalField(
        _("the right value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    file = models.FileField(_("evidence"), upload_to=_evidence_path, blank=True, max_length=255)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    decide_by = models.DateField(_("decide by"))
    status = models.CharField(
        max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    accepted_value = models.DecimalField(
        _("accepted value"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    scope_path = "score__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        ordering = ["-raised_at"]

    @property
    def overdue(self) -> bool:
        """Still undecided after the working days the commission has (10 by default)."""
        return self.status == ObjectionStatus.OPEN and timezone.localdate() > self.decide_by

    def __str__(self) -> str:
        return f"#{self.pk} {self.indicator_id} {self.status}"


class RatingEvent(models.Model):
    """Every step of a rating: computed, objection raised, decided, recomputed, final."""

    run = models.ForeignKey(RatingRun, on_delete=models.CASCADE, related_name="events")
    objection = models.ForeignKey(Objection, null=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%d.%m.%Y}"


class AuditItem(models.Model):
    """A counted record drawn for the district to audit (issue 15, point 5): each period
    the first computed version draws `audit_share` of the records behind the indicators
    whose KPI names its records. A failed audit takes the record's amount off the figure
    from the next version on, and the breakdown shows it."""

    district = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(RatingPeriod, on_delete=models.PROTECT, related_name="audits")
    primary = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    kpi = models.CharField(max_length=60)
    app_label = models.CharField(max_length=40)
    model = models.CharField(max_length=40)
    record_pk = models.PositiveBigIntegerField()
    label = models.CharField(max_length=255)
    url_name = models.CharField(max_length=80, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=4, default=1)
    status = models.CharField(
        max_length=8, choices=AuditStatus.choices, default=AuditStatus.PENDING
    )
    note = models.TextField(_("what the auditor found"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audited record")
        ordering = ["primary__name", "kpi", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period", "kpi", "app_label", "model", "record_pk"],
                name="rating_audit_item_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.label}: {self.status}"
