"""Young people up to the age limit, a case per person who needs help, the support measures
that exist, referrals to them, and placements with checks whether they lasted."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import TranslatedNameMixin, pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.youth.enums import (
    CaseStatus,
    CloseReason,
    Education,
    PlacementKind,
    ReferralStatus,
    SettlementKindRule,
)


class YouthRules(models.Model):
    district = models.OneToOneField(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="youth_rules",
        verbose_name=_("district"),
    )
    max_age = models.PositiveSmallIntegerField(_("young up to (age, inclusive)"), default=29)
    followup_days = models.PositiveSmallIntegerField(_("follow up every (days)"), default=30)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("youth rules")
        verbose_name_plural = _("youth rules")

    def __str__(self) -> str:
        return str(self.district)


class MRP(models.Model):
    """The monthly calculation index (МРП/АЕК) of a year, set by the budget law."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    value = models.DecimalField(_("value, ₸"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("monthly calculation index (MRP)")
        verbose_name_plural = _("monthly calculation index (MRP)")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class YoungPerson(models.Model):
    """What is known of a young person's situation. Their status and NEET follow from it."""

    person = models.OneToOneField(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="youth_profile",
        verbose_name=_("person"),
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="young_people",
        verbose_name=_("primary organization that looks after them"),
    )
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, default=Education.SECONDARY
    )
    graduated_year = models.PositiveSmallIntegerField(
        _("year of graduation"), null=True, blank=True
    )
    specialty = models.CharField(_("specialty"), max_length=255, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    employed = models.BooleanField(_("has a job"), default=False)
    employer = models.CharField(_("employer"), max_length=255, blank=True)
    in_education = models.BooleanField(_("studies"), default=False)
    in_training = models.BooleanField(_("in a training course"), default=False)
    military_service = models.BooleanField(_("in military service"), default=False)
    parental_leave = models.BooleanField(_("on parental leave"), default=False)
    registered_job_seeker = models.BooleanField(
        _("registered at the employment centre"), default=False
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("young person")
        verbose_name_plural = _("young people")
        indexes = [
            models.Index(
                fields=["primary", "employed", "in_education"], name="youngperson_primary_status"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class SupportMeasure(TranslatedNameMixin, models.Model):
    """A programme a young person can be referred to, with who qualifies and what it gives."""

    district = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_measures",
        verbose_name=_("district (empty: everywhere)"),
    )
    code = models.SlugField(_("code"), max_length=40)
    description = models.TextField(_("what it gives (Russian)"), blank=True)
    description_kk = models.TextField(_("what it gives (Kazakh)"), blank=True)
    description_en = models.TextField(_("what it gives (English)"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("from age"), default=14)
    max_age = models.PositiveSmallIntegerField(_("to age"), default=29)
    education = models.JSONField(_("education required (empty: any)"), default=list, blank=True)
    settlement_kind = models.CharField(
        _("where"), max_length=8, choices=SettlementKindRule.choices, default=SettlementKindRule.ANY
    )
    only_neet = models.BooleanField(_("only for those without work or study"), default=False)
    graduated_within_years = models.PositiveSmallIntegerField(
        _("graduated within (years; empty: no limit)"), null=True, blank=True
    )
    benefit_mrp = models.DecimalField(
        _("payment, MRP"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="measure_code_per_district")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_description(self) -> str:
        return pick_name(self.description, self.description_kk, self.description_en)

    def benefit_kzt(self, mrp: Decimal | None) -> Decimal | None:
        """The payment in tenge at an MRP value (None: no payment, or the MRP not entered)."""
        if self.benefit_mrp is None or mrp is None:
            return None
        return (self.benefit_mrp * mrp).quantize(Decimal("0.01"))


class Case(models.Model):
    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.PROTECT, related_name="cases", verbose_name=_("young person")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="youth_cases",
        verbose_name=_("case worker"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    needs = models.JSONField(_("needs"), default=list, blank=True)
    assessment = models.TextField(_("needs assessment"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    next_followup = models.DateField(_("next follow-up"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("why closed"), max_length=10, choices=CloseReason.choices, blank=True
    )

    history = HistoricalRecords()

    scope_path = "young_person__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["young_person"],
                condition=Q(status="open"),
                name="one_open_case_per_person",
                violation_error_message=_("This young person already has an open case."),
            ),
        ]
        indexes = [models.Index(fields=["status", "next_followup"], name="case_followup")]

    def __str__(self) -> str:
        return f"{self.young_person} ({self.opened_at:%d.%m.%Y})"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("note"))

    scope_path = "case__young_person__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.text[:50]


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    measure = models.ForeignKey(
        SupportMeasure,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("measure"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    referred_on = models.DateField(_("referred"))
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    refused_on = models.DateField(_("refused"), null=True, blank=True)
    refusal_reason = models.CharField(_("why refused"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    scope_path = "case__young_person__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_status_display()}"


class Placement(models.Model):
    """Work or study the young person went to, and whether it lasted 3 and 6 months."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField(_("kind"), max_length=6, choices=PlacementKind.choices)
    started_on = models.DateField(_("from"))
    organization = models.CharField(_("employer or institution"), max_length=255)
    position = models.CharField(_("position or programme"), max_length=255, blank=True)
    referral = models.ForeignKey(
        Referral,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("through"),
    )
    lasted_3m = models.BooleanField(_("still there after 3 months"), null=True, blank=True)
    checked_3m_on = models.DateField(_("checked after 3 months on"), null=True, blank=True)
    lasted_6m = models.BooleanField(_("still there after 6 months"), null=True, blank=True)
    checked_6m_on = models.DateField(_("checked after 6 months on"), null=True, blank=True)

    history = HistoricalRecords()

    scope_path = "case__young_person__primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organization}"
