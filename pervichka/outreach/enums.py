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
