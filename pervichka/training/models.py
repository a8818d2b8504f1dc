"""The School of political management: courses of modules, cohorts with trainers and
sessions, enrolment of chairs and members, attendance, assessment, certificates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import TranslatedNameMixin, pick_name
from pervichka.core.scoping import ScopedQuerySet
from pervichka.training.enums import EnrolmentStatus


class Course(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("what it teaches"), blank=True)
    description_kk = models.TextField(_("what it teaches (Kazakh)"), blank=True)
    description_en = models.TextField(_("what it teaches (English)"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (of 100)"), default=60)
    min_attendance = models.PositiveSmallIntegerField(_("attendance needed, %"), default=75)
    required_for_chairs = models.BooleanField(_("required for primary chairs"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="course_pass_mark_range"),
            models.CheckConstraint(
                condition=Q(min_attendance__lte=100), name="course_attendance_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_description(self) -> str:
        return pick_name(self.description, self.description_kk, self.description_en)

    @property
    def hours(self):
        return sum((m.hours for m in self.modules.all()), 0)


def _material_path(instance: "Module", filename: str) -> str:
    return f"training/{instance.course_id}/{filename}"


class Module(TranslatedNameMixin, models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    material_file = models.FileField(
        _("materials (file)"), upload_to=_material_path, blank=True, max_length=255
    )
    material_url = models.URLField(_("materials (link)"), blank=True, max_length=500)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "order", "pk"]

    def __str__(self) -> str:
        return self.display_name


class Cohort(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course")
    )
    # Who runs it (a district or a region): its trainers and administrators manage it.
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("organizer"),
    )
    name = models.CharField(_("name"), max_length=255)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="cohorts_trained",
        verbose_name=_("trainers"),
    )

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.name}"


class Session(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    module = models.ForeignKey(
        Module,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("module"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    place = models.CharField(_("place"), max_length=255, blank=True)

    scope_path = "cohort__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=12), name="session_hours"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort.name}: {self.starts_at:%d.%m.%Y %H:%M}"


class Enrolment(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohort")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    # The person's primary when enrolled: what the chair and the rating see it under.
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("primary organization"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    score = models.PositiveSmallIntegerField(_("assessment score"), null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    certificate_code = models.CharField(
        _("certificate code"), max_length=16, unique=True, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    scope_path = "cohort__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["person__surname", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="enrolment_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="enrolment_score_range"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="enrolment_person_status")]

    def __str__(self) -> str:
        return f"{self.person} — {self.cohort}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=False)

    scope_path = "enrolment__cohort__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.session_id}: {self.present}"
