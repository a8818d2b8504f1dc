from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectKind(models.TextChoices):
    GENERAL = "general", _("events")
    GREENING = "greening", _("greening: plantings and their survival")
    CONTEST = "contest", _("contest of ideas")


class ProjectKpi(models.TextChoices):
    """What a project's targets can be set on; each is computed from the records."""

    EVENTS_HELD = "events_held", _("events held")
    PARTICIPANTS = "participants", _("participants")
    VOLUNTEER_HOURS = "volunteer_hours", _("volunteer hours")
    TREES_PLANTED = "trees_planted", _("trees and shrubs planted")
    TREE_SURVIVAL_RATE = "tree_survival_rate", _("survival of plantings, %")
    IDEAS_SUBMITTED = "ideas_submitted", _("ideas submitted")
    SPENT = "spent", _("spent from project funds, ₸")


class EventStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("event status", "planned")
    HELD = "held", pgettext_lazy("event status", "held")
    CANCELLED = "cancelled", pgettext_lazy("event status", "cancelled")


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("participant")
    VOLUNTEER = "volunteer", _("volunteer")
    ORGANIZER = "organizer", _("organizer")


# Who gave their time: only their hours are volunteer hours (a participant only came).
VOLUNTEER_ROLES = (ParticipantRole.VOLUNTEER, ParticipantRole.ORGANIZER)


# The projects every installation starts with (data migration 0002).
TAZALIKE, SOCIUM, ORLEU, IDEAS30 = "tazalike", "socium", "orleu", "ideas30"
