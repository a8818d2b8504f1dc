from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.appeals.enums import (
    OPEN_STATUSES,
    Action,
    Channel,
    FieldReceptionStatus,
    Outcome,
    Satisfaction,
    SatisfactionSource,
    Status,
)
from pervichka.core.i18n import TranslatedNameMixin
from pervichka.core.scoping import ScopedQuerySet


class AppealRules(models.Model):
    """A district's numbers for the appeal deadlines. The defaults are the Administrative
    Procedural Code's (art. 76): answer in 15 working days; extend by a reasoned decision
    for at most two months in total, telling the citizen within 3 working days; redirect an
    appeal outside the branch's competence within 3 working days."""

    district = models.OneToOneField(
        "orgs.OrgUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="appeal_rules",
    )
    answer_working_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"), default=15
    )
    extension_max_months = models.PositiveSmallIntegerField(
        _("extensions at most (months in total)"), default=2
    )
    extension_notice_working_days = models.PositiveSmallIntegerField(
        _("tell the citizen of an extension within (working days)"), default=3
    )
    redirect_working_days = models.PositiveSmallIntegerField(
        _("redirect within (working days)"), default=3
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        _("remind the assignee before the deadline (working days)"), default=2
    )
    repeat_window_days = models.PositiveSmallIntegerField(
        _("an appeal on the same subject is a repeat within (days)"), default=90
    )
    reopen_window_days = models.PositiveSmallIntegerField(
        _("the citizen may reopen within (days after the answer)"), default=30
    )

    history = HistoricalRecords()

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal rules")
        verbose_name_plural = _("appeal rules")

    def __str__(self) -> str:
        return str(self.district)


class Category(TranslatedNameMixin, models.Model):
    district = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="appeal_categories",
    )
    code = models.SlugField(_("code"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="category_code_per_district")
        ]

    def __str__(self) -> str:
        return self.display_name


class ReceptionOffice(TranslatedNameMixin, models.Model):
    """A public reception office (Общественная приёмная) of a branch."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="reception_offices",
    )
    settlement = models.ForeignKey(
        "orgs.Settlement",
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=255)
    hours = models.CharField(
        _("opening hours"),
        max_length=255,
        help_text=_("e.g. Mon–Fri 9:00–18:00, lunch 13:00–14:00"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("open"), default=True)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception office")
        verbose_name_plural = _("reception offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name


class FieldReception(models.Model):
    """A reception held in a village by deputies and party officials (выездной приём)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="field_receptions",
    )
    starts_at = models.DateTimeField(_("date and time"))
    settlement = models.ForeignKey(
        "orgs.Settlement",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="field_receptions",
    )
    place = models.CharField(
        _("place"), max_length=255, help_text=_("e.g. the village club, the rural akimat")
    )
    hosts = models.ManyToManyField(
        "people.Person",
        verbose_name=_("who receives"),
        related_name="field_receptions_hosted",
        blank=True,
    )
    hosts_note = models.CharField(_("who receives (as announced)"), max_length=500, blank=True)
    description = models.TextField(_("announcement"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FieldReceptionStatus.choices,
        default=FieldReceptionStatus.PLANNED,
    )
    is_public = models.BooleanField(_("announce on the portal"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("field reception")
        verbose_name_plural = _("field receptions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at"], name="fieldreception_starts")]

    def __str__(self) -> str:
        return f"{self.settlement} — {self.starts_at:%d.%m.%Y}"


class RegistrationCounter(models.Model):
    """The last registration number given per branch and year: locked to give the next."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="registration_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Appeal(models.Model):
    """A citizen's appeal (обращение), from registration to the answer and the citizen's say.

    `unit` is who answers for it now: the district that registered it, or the primary it was
    assigned to. Scope is matched on its path, so a district sees every appeal of its
    primaries and a primary only its own.
    """

    number = models.CharField(_("registration number"), max_length=32, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("responsible organization"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    reception_office = models.ForeignKey(
        ReceptionOffice,
        verbose_name=_("reception office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    field_reception = models.ForeignKey(
        FieldReception,
        verbose_name=_("field reception"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    # How to reach the citizen about this appeal (the public form's answers), kept apart from
    # the registry so that an anonymous form can never change a person's record.
    contact_phone = models.CharField(_("phone for answers"), max_length=20, blank=True)
    contact_email = models.EmailField(_("email for answers"), blank=True)
    language = models.CharField(
        _("language of messages to the citizen"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="ru",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="appeals"
    )
    settlement = models.ForeignKey(
        "orgs.Settlement",
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    text = models.TextField(_("text of the appeal"))
    # Lower-cased text and number: full-text search on every database (see docs).
    search_text = models.TextField(editable=False, default="")
    # What staff are told by the citizen, kept on the appeal so that one indexed table serves
    # the search (trigram indexes on PostgreSQL, appeals/migrations/0004): the number and the
    # citizen's lower-cased "surname name patronymic" (no personal data beyond the name every
    # reader of the appeal sees), and the national 10 digits of the contact and registry
    # phones (personal data: searched only where the user may read it).
    search_key = models.TextField(editable=False, default="")
    search_phone = models.CharField(max_length=64, editable=False, default="")
    received_at = models.DateTimeField(_("received"))
    due_date = models.DateField(_("answer due"))
    original_due_date = models.DateField(_("first deadline"))
    redirect_due_date = models.DateField(_("redirect due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    assigned_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("assigned to (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_assigned",
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to (user)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_assigned",
    )
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    redirected_to = models.CharField(_("redirected to"), max_length=255, blank=True)
    answer_text = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_published = models.BooleanField(_("answer shown on the tracking page"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    satisfaction_source = models.CharField(
        max_length=8, choices=SatisfactionSource.choices, blank=True
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    idempotency_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["search_text", "search_key", "search_phone", "updated_at"]
    )

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "due_date"], name="appeal_unit_status_due"),
            models.Index(fields=["status", "due_date"], name="appeal_status_due"),
            models.Index(fields=["person", "category", "received_at"], name="appeal_person_cat"),
            models.Index(fields=["received_at"], name="appeal_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("original_due_date")),
                name="appeal_due_not_before_first",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="") | ~Q(status__in=["answered", "closed"]),
                name="appeal_answered_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def tracking_code_display(self) -> str:
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_date < timezone.localdate()


class AppealEvent(models.Model):
    """One step of an appeal's way: who did what, when, and why."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_citizen = models.BooleanField(default=False)
    at = models.DateTimeField(_("when"))
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    scope_path = "appeal__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal}: {self.get_action_display()}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"appeals/{instance.uploaded_at:%Y/%m}/{instance.token}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    scope_path = "appeal__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class BotAppeal(models.Model):
    """An appeal written in the citizens' Telegram bot and the chat that wrote it: status
    changes and the answer go back to that chat, and only that chat may rate the answer."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="bot")
    chat_id = models.BigIntegerField(_("Telegram chat"), db_index=True)

    scope_path = "appeal__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal from the Telegram bot")
        verbose_name_plural = _("appeals from the Telegram bot")

    def __str__(self) -> str:
        return f"tg:{self.chat_id} → {self.appeal_id}"


class BotConversation(models.Model):
    """Where a chat is in a conversation with the bot (aiogram's FSM state and the draft of
    an appeal), kept in the database so that any application node or the polling worker
    goes on from where the last update left it."""

    chat_id = models.BigIntegerField(unique=True)
    state = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"tg:{self.chat_id} {self.state}"


class BotUpdate(models.Model):
    """A Telegram update the bot has handled: Telegram delivers an update again when it got
    no answer in time, and a repeat is answered without doing anything twice."""

    update_id = models.BigIntegerField(unique=True)
    handled_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.update_id)
