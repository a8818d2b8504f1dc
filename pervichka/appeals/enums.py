from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("reception office (walk-in)")
    FIELD = "field", _("field reception")
    PHONE = "phone", _("phone")
    WEB = "web", _("web form")
    SOCIAL = "social", _("social network or messenger")
    LETTER = "letter", _("letter")
    # A question a resident raised at a primary's meeting or door-to-door visit (outreach).
    MEETING = "meeting", _("meeting or door-to-door visit")
    # Written to the citizens' Telegram bot (appeals.bot).
    TELEGRAM = "telegram", _("Telegram bot")


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    REDIRECTED = "redirected", _("redirected")
    RETURNED = "returned", _("returned for rework")
    REOPENED = "reopened", _("reopened")


# Statuses in which the branch still owes the citizen an answer: the deadline runs.
OPEN_STATUSES = (
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.RETURNED,
    Status.REOPENED,
)


class Action(models.TextChoices):
    REGISTER = "register", _("registered")
    ASSIGN = "assign", _("assigned")
    START = "start", _("taken into work")
    EXTEND = "extend", _("deadline extended")
    REDIRECT = "redirect", _("redirected")
    ANSWER = "answer", _("answered")
    RETURN = "return", _("returned for rework")
    CLOSE = "close", _("closed")
    REOPEN = "reopen", _("reopened")
    SATISFACTION = "satisfaction", _("satisfaction recorded")


# action → the statuses it may be taken from, and the status it leads to (None: unchanged).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.ASSIGN: (
        frozenset(
            {
                Status.REGISTERED,
                Status.ASSIGNED,
                Status.IN_PROGRESS,
                Status.RETURNED,
                Status.REOPENED,
            }
        ),
        Status.ASSIGNED,
    ),
    Action.START: (
        frozenset({Status.ASSIGNED, Status.RETURNED, Status.REOPENED}),
        Status.IN_PROGRESS,
    ),
    Action.EXTEND: (frozenset(OPEN_STATUSES), None),
    Action.REDIRECT: (
        frozenset({Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS}),
        Status.REDIRECTED,
    ),
    Action.ANSWER: (
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.REOPENED}),
        Status.ANSWERED,
    ),
    Action.RETURN: (frozenset({Status.ANSWERED}), Status.RETURNED),
    Action.CLOSE: (frozenset({Status.ANSWERED}), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.ANSWERED, Status.CLOSED}), Status.REOPENED),
    Action.SATISFACTION: (frozenset({Status.ANSWERED, Status.CLOSED}), None),
}


class Outcome(models.TextChoices):
    SOLVED = "solved", _("solved")
    EXPLAINED = "explained", _("explained")
    REFUSED = "refused", _("refused, with reasons")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    PARTLY = "partly", _("partly satisfied")
    NOT_SATISFIED = "not_satisfied", _("not satisfied")


class SatisfactionSource(models.TextChoices):
    LINK = "link", _("by the citizen, on the tracking page")
    CALL = "call", _("by an operator, after a call")


class FieldReceptionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


DEFAULT_CATEGORIES = [
    # code, Russian, Kazakh, English
    ("housing", "Жильё", "Тұрғын үй", "Housing"),
    ("utilities", "Коммунальные услуги", "Коммуналдық қызметтер", "Utilities"),
    ("roads", "Дороги и транспорт", "Жолдар және көлік", "Roads and transport"),
    ("land", "Земельные вопросы", "Жер мәселелері", "Land"),
    ("employment", "Трудоустройство", "Жұмысқа орналасу", "Employment"),
    ("social", "Социальная поддержка", "Әлеуметтік қолдау", "Social support"),
    ("health", "Здравоохранение", "Денсаулық сақтау", "Health"),
    ("education", "Образование", "Білім беру", "Education"),
    ("agriculture", "Сельское хозяйство", "Ауыл шаруашылығы", "Agriculture"),
    ("law", "Правопорядок", "Құқықтық тәртіп", "Law and order"),
    ("other", "Другое", "Басқа", "Other"),
]
