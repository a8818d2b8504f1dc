from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Education(models.TextChoices):
    NONE = "none", _("not completed school")
    SECONDARY = "secondary", _("secondary school")
    VOCATIONAL = "vocational", _("college (technical and vocational)")
    HIGHER = "higher", _("higher education")


class YouthStatus(models.TextChoices):
    """Derived from the facts, in this order of precedence: never typed by hand."""

    EMPLOYED = "employed", _("employed")
    STUDENT = "student", pgettext_lazy("youth status", "student")
    TRAINING = "training", _("in training")
    MILITARY = "military", _("military service")
    PARENTAL_LEAVE = "parental_leave", _("parental leave")
    JOB_SEEKER = "job_seeker", _("job seeker (NEET)")
    NEET = "neet", _("NEET")


NEET_STATUSES = (YouthStatus.PARENTAL_LEAVE, YouthStatus.JOB_SEEKER, YouthStatus.NEET)


class SettlementKindRule(models.TextChoices):
    ANY = "any", _("anywhere")
    VILLAGE = "village", _("villages only")
    TOWN = "town", _("towns and cities only")


class Need(models.TextChoices):
    EMPLOYMENT = "employment", _("work")
    EDUCATION = "education", _("education")
    TRAINING = "training", _("training, a trade")
    HOUSING = "housing", _("housing")
    HEALTH = "health", _("health")
    LEGAL = "legal", _("legal help")
    LEISURE = "leisure", _("sport and leisure")
    FAMILY = "family", _("family support")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "open")
    CLOSED = "closed", _("closed")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("referred")
    ACCEPTED = "accepted", _("accepted")
    STARTED = "started", _("started")
    COMPLETED = "completed", _("completed")
    REFUSED = "refused", pgettext_lazy("referral status", "refused")


# status → the statuses it may move to.
REFERRAL_FLOW = {
    ReferralStatus.REFERRED: {ReferralStatus.ACCEPTED, ReferralStatus.REFUSED},
    ReferralStatus.ACCEPTED: {ReferralStatus.STARTED, ReferralStatus.REFUSED},
    ReferralStatus.STARTED: {ReferralStatus.COMPLETED, ReferralStatus.REFUSED},
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.REFUSED: set(),
}


class PlacementKind(models.TextChoices):
    WORK = "work", _("work")
    STUDY = "study", _("study")


class CloseReason(models.TextChoices):
    PLACED = "placed", _("placed into work or study")
    MOVED = "moved", _("moved away")
    AGED_OUT = "aged_out", _("above the age limit")
    DECLINED = "declined", _("declined support")
    OTHER = "other", _("other")
