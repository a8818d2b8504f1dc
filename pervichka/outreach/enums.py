from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenCategory(models.TextChoices):
    """The categories of citizens the branch works with. Youth and pensioners follow from
    the date of birth (the IIN); the others are recorded with their source and date."""

    YOUTH = "youth", _("youth (14–35)")
    PENSIONER = "pensioner", _("pensioner (by age)")
    LARGE_FAMILY = "large_family", _("large family")
    DISABILITY = "disability", _("person with a disability")
    VETERAN = "veteran", _("veteran")
    ENTREPRENEUR = "entrepreneur", _("entrepreneur")
    FARMER = "farmer", _("farmer")
    TEACHER = "teacher", _("teacher")
    DOCTOR = "doctor", _("doctor or nurse")
    UNEMPLOYED = "unemployed", _("unemployed")


DERIVED = frozenset({CitizenCategory.YOUTH, CitizenCategory.PENSIONER})
RECORDED = [c for c in CitizenCategory if c not in DERIVED]


class CategorySource(models.TextChoices):
    DOCUMENT = "document", _("document seen")
    SELF = "self", _("said by the person")
    MEETING = "meeting", _("noted at a meeting or visit")
    LIST = "list", _("list of a social service")


class Membership(models.TextChoices):
    ANY = "any", _("members and other residents")
    MEMBERS = "members", _("party members only")
    NON_MEMBERS = "non_members", _("residents who are not members")


class SegmentKind(models.TextChoices):
    DYNAMIC = "dynamic", _("segment (saved filter, always up to date)")
    STATIC = "static", _("list (fixed people)")


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("meeting with residents")
    VISIT = "visit", _("door-to-door visits")


class MailingChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    TELEGRAM = "telegram", _("Telegram")


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING = "awaiting", _("awaiting the district's approval")
    SCHEDULED = "scheduled", _("scheduled")
    SENDING = "sending", _("sending")
    PAUSED = "paused", _("paused")
    DONE = "done", _("sent")
    CANCELLED = "cancelled", _("cancelled")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    NO_CONSENT = "no_consent", _("skipped: no consent on the channel")
    OPTED_OUT = "opted_out", _("skipped: opted out of the list")
    NO_ADDRESS = "no_address", _("skipped: no phone or Telegram chat")
    INTERRUPTED = "interrupted", _("unknown: the sender stopped mid-call, not sent again")
    CANCELLED = "cancelled", _("not sent: the mailing was cancelled")
