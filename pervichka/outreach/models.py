"""Work with the categories of citizens: whom a primary serves (categories of people,
segments and fixed lists) and the meetings and door-to-door visits it plans and holds."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pervichka.core.scoping import ScopedQuerySet
from pervichka.outreach.enums import (
    RECORDED,
    CategorySource,
    CitizenCategory,
    DeliveryStatus,
    MailingChannel,
    MailingStatus,
    MeetingKind,
    Membership,
    SegmentKind,
)


class PersonCategory(models.Model):
    """A recorded category of a person (a large family, a veteran...), with where it came
    from and when. Derived categories (youth, pensioner) are never stored."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="citizen_categories",
        verbose_name=_("person"),
    )
    category = models.CharField(
        _("category"), max_length=16, choices=[(c.value, c.label) for c in RECORDED]
    )
    source = models.CharField(_("source"), max_length=16, choices=CategorySource.choices)
    noted_on = models.DateField(_("noted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    scope_path = "person__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("category of a person")
        verbose_name_plural = _("categories of people")
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], name="person_category_once")
        ]
        indexes = [models.Index(fields=["category", "person"], name="personcategory_cat")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_category_display()}"


class Segment(models.Model):
    """Whom a unit wants to reach: a saved filter (a segment, counted live) or a fixed list
    of people (for example a segment frozen on the day of a mailing)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=8, choices=SegmentKind.choices, default=SegmentKind.DYNAMIC
    )
    categories = models.JSONField(_("categories"), default=list, blank=True)
    settlements = models.ManyToManyField(
        "orgs.Settlement", blank=True, related_name="+", verbose_name=_("settlements")
    )
    membership = models.CharField(
        _("membership"), max_length=12, choices=Membership.choices, default=Membership.ANY
    )
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    people = models.ManyToManyField(
        "people.Person",
        through="SegmentEntry",
        blank=True,
        related_name="+",
        verbose_name=_("people"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="segment_age_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def category_labels(self) -> list[str]:
        labels = dict(CitizenCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class SegmentEntry(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    scope_path = "segment__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "person"], name="segment_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.segment} — {self.person_id}"


class Meeting(models.Model):
    """A meeting with residents or a round of door-to-door visits: planned (with the date
    it is planned for), then held (with what it reached). One held without a plan counts
    in the fact, not in the plan."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MeetingKind.choices)
    topic = models.CharField(_("topic"), max_length=300)
    settlement = models.ForeignKey(
        "orgs.Settlement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("settlement"),
    )
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    categories = models.JSONField(_("categories met"), default=list, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    who_went = models.CharField(_("who went"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting or visit")
        verbose_name_plural = _("meetings and visits")
        ordering = ["-held_on", "-planned_for", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_for__isnull=False) | Q(held_on__isnull=False),
                name="meeting_planned_or_held",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "held_on"], name="meeting_unit_held"),
            models.Index(fields=["unit", "planned_for"], name="meeting_unit_planned"),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def held(self) -> bool:
        return self.held_on is not None

    def category_labels(self) -> list[str]:
        labels = dict(CitizenCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class MeetingQuestion(models.Model):
    """A question a resident raised at a meeting or visit; it may become an appeal."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="questions", verbose_name=_("meeting")
    )
    text = models.TextField(_("question"))
    citizen_surname = models.CharField(_("surname"), max_length=100, blank=True)
    citizen_name = models.CharField(_("first name"), max_length=100, blank=True)
    citizen_phone = models.CharField(_("phone"), max_length=20, blank=True)
    consent = models.BooleanField(
        _("the resident agreed that their name and phone are kept to answer them"),
        default=False,
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("appeal"),
    )

    scope_path = "meeting__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("question raised")
        verbose_name_plural = _("questions raised")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


# --- mailings (docs/outreach.md, "Mailings") ----------------------------------------------


class ListOptOut(models.Model):
    """A person asked not to get the messages of one list or segment (a mailing series).
    The opt-out from everything on a channel is the withdrawal of the channel's consent
    (people.Consent, purpose contact_*); both are checked when each message is sent."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="opt_outs", verbose_name=_("list")
    )
    noted_at = models.DateTimeField(_("noted"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    scope_path = "segment__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("opt-out from a list")
        verbose_name_plural = _("opt-outs from lists")
        constraints = [
            models.UniqueConstraint(fields=["person", "segment"], name="list_optout_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ∉ {self.segment_id}"


class MailingPolicy(models.Model):
    """What a district sets for the mailings of its units: above how many recipients a
    mailing waits for the district's approval."""

    district = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    approval_above = models.PositiveIntegerField(
        _("approval needed above this many recipients"), default=200
    )

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing policy")
        verbose_name_plural = _("mailing policies")

    def __str__(self) -> str:
        return f"{self.district}: {self.approval_above}"


class Mailing(models.Model):
    """A message to the people of a segment or list on one channel, a text per language.
    Its deliveries (one per person, unique) are created when sending starts."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=200)
    segment = models.ForeignKey(
        Segment,
        on_delete=models.PROTECT,
        related_name="mailings",
        verbose_name=_("segment or list"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=MailingChannel.choices)
    text_ru = models.TextField(_("text in Russian"), max_length=1000)
    text_kk = models.TextField(_("text in Kazakh"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    recipients_expected = models.PositiveIntegerField(_("recipients"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="mailing_due")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One message of a mailing to one person: created before anything is sent (unique per
    mailing and person), claimed by one UPDATE, its result written by a second one, so a
    worker killed mid-mailing and started again sends nobody a second message."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("mailing")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    address = models.CharField(_("address"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    opted_out_at = models.DateTimeField(_("opted out after it"), null=True, blank=True)

    scope_path = "mailing__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "person"], name="delivery_once_per_person")
        ]
        indexes = [
            models.Index(fields=["mailing", "status"], name="delivery_mailing_status"),
            models.Index(fields=["address", "sent_at"], name="delivery_address_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}→{self.person_id}: {self.status}"


# --- field receptions announced (outreach/announcements.py) -------------------------------


class ReceptionAnnouncement(models.Model):
    """What the village was last told about a field reception: the date, the place and
    whether it was cancelled, under a version that each correction raises. A change of
    the reception against this snapshot makes a correction for those already told."""

    reception = models.OneToOneField(
        "appeals.FieldReception",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("field reception"),
    )
    version = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=255)
    settlement = models.ForeignKey("orgs.Settlement", on_delete=models.PROTECT, related_name="+")
    cancelled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "reception__unit__path"
    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.reception_id} v{self.version}"


class ReceptionNotice(models.Model):
    """One message about a field reception to one person or Telegram chat: the
    announcement, a correction (moved) or a cancellation. Unique per reception, version
    and recipient, so a task run twice (or two workers at once) tells nobody twice."""

    class Kind(models.TextChoices):
        ANNOUNCE = "announce", _("announcement")
        MOVED = "moved", _("correction")
        CANCELLED = "cancelled", _("cancellation")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        TELEGRAM = "telegram", _("Telegram")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    reception = models.ForeignKey(
        "appeals.FieldReception",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("field reception"),
    )
    version = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    chat = models.ForeignKey(
        "people.TelegramChat", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, default="ru")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker claimed it (a claim older than PERVICHKA_NOTIFICATION_CLAIM_SECONDS is
    # a worker that died mid-send, and the notice may be claimed again).
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # SMS go through the outbox: the stored message that carries this notice.
    notification = models.ForeignKey(
        "core.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "reception__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("field reception notice")
        verbose_name_plural = _("field reception notices")
        constraints = [
            models.UniqueConstraint(
                fields=["reception", "version", "person"],
                condition=Q(person__isnull=False),
                name="reception_notice_person_once",
            ),
            models.UniqueConstraint(
                fields=["reception", "version", "chat"],
                condition=Q(chat__isnull=False),
                name="reception_notice_chat_once",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(chat__isnull=False),
                name="reception_notice_has_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="reception_notice_status")]

    def __str__(self) -> str:
        return f"{self.reception_id} v{self.version} {self.kind} → {self.person_id or self.chat_id}"
