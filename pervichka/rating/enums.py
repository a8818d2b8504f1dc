from django.db import models
from django.utils.translation import gettext_lazy as _


class MethodologyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Denominator(models.TextChoices):
    PER_100 = "per_100", _("per 100 members")
    SHARE = "share", _("share")
    COUNT = "count", _("count")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


class RunStatus(models.TextChoices):
    COMPUTING = "computing", _("computing")
    PROVISIONAL = "provisional", _("provisional")
    FINAL = "final", _("final")
    FAILED = "failed", _("failed")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("awaiting decision")
    UPHELD = "upheld", _("upheld")
    PARTLY = "partly", _("partly upheld")
    REJECTED = "rejected", _("rejected")


class SettlementGroup(models.TextChoices):
    URBAN = "urban", _("towns and cities")
    RURAL = "rural", _("villages")


class AuditStatus(models.TextChoices):
    PENDING = "pending", _("to audit")
    PASSED = "passed", _("confirmed")
    FAILED = "failed", _("failed")


DECISIONS = (ObjectionStatus.UPHELD, ObjectionStatus.PARTLY, ObjectionStatus.REJECTED)
BANDS = ("A", "B", "C", "D", "E")
