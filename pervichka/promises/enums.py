from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PromiseStatus(models.TextChoices):
    """Stages, not percentages: what a voter can check."""

    NOT_STARTED = "not_started", pgettext_lazy("promise status", "not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("promise status", "in progress")
    DONE = "done", pgettext_lazy("promise status", "done")
    DONE_LATE = "done_late", pgettext_lazy("promise status", "done late")
    PARTLY_DONE = "partly_done", pgettext_lazy("promise status", "partly done")
    NOT_DONE = "not_done", pgettext_lazy("promise status", "not done")


S = PromiseStatus
FINAL = {S.DONE, S.DONE_LATE}
# What a promise may move to from each stage. Done is final; a partly done or failed promise
# can be taken up again.
PROMISE_FLOW = {
    S.NOT_STARTED: {S.IN_PROGRESS, S.DONE, S.DONE_LATE, S.PARTLY_DONE, S.NOT_DONE},
    S.IN_PROGRESS: {S.DONE, S.DONE_LATE, S.PARTLY_DONE, S.NOT_DONE},
    S.PARTLY_DONE: {S.IN_PROGRESS, S.DONE, S.DONE_LATE, S.NOT_DONE},
    S.NOT_DONE: {S.IN_PROGRESS},
    S.DONE: set(),
    S.DONE_LATE: set(),
}
# These say something went wrong: the voter is owed the reason.
NEEDS_REASON = {S.DONE_LATE, S.PARTLY_DONE, S.NOT_DONE}


class Theme(models.TextChoices):
    ROADS = "roads", _("roads and transport")
    WATER = "water", _("water, gas and heating")
    HOUSING = "housing", _("housing and utilities")
    EDUCATION = "education", _("schools and kindergartens")
    HEALTH = "health", pgettext_lazy("promise theme", "health")
    AGRICULTURE = "agriculture", _("agriculture")
    JOBS = "jobs", _("jobs and business")
    SOCIAL = "social", _("social support")
    CULTURE = "culture", _("culture and sport")
    ECOLOGY = "ecology", _("ecology and greening")
    SAFETY = "safety", _("public safety")
    OTHER = "other", _("other")
