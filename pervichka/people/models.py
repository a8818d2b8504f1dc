from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.iin import parse_iin, validate_iin
from pervichka.core.scoping import ScopedQuerySet
from pervichka.people.enums import (
    AccessAction,
    ConsentChannel,
    ConsentMethod,
    ConsentPurpose,
    DuesCategory,
    ImportStatus,
    LeaveReason,
    MembershipStatus,
    Sex,
    TransferStatus,
)


class Person(models.Model):
    """One registry of people: members, citizens, young people, deputies.

    `unit` is the org unit that keeps the record (a member's primary, or the district whose
    reception office registered a citizen); it is what a person's visibility is scoped by.
    """

    iin = models.CharField(
        _("IIN"), max_length=12, null=True, blank=True, unique=True, validators=[validate_iin]
    )
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    settlement = models.ForeignKey(
        "orgs.Settlement",
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("registered in"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    consent_at = models.DateTimeField(
        _("consent to personal data processing given"), null=True, blank=True
    )
    consent_method = models.CharField(
        _("how consent was given"), max_length=16, choices=ConsentMethod.choices, blank=True
    )
    # Lower-cased "surname name patronymic": SQLite's LIKE folds case for ASCII only, so
    # a Cyrillic name search runs on this column on every database.
    search_name = models.CharField(max_length=310, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_name", "updated_at"])

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["surname", "name", "patronymic"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_at__isnull=True) | ~Q(consent_method=""),
                name="person_consent_has_method",
            ),
        ]
        indexes = [
            models.Index(fields=["phone"], name="person_phone"),
            # The outreach segments' count (issue 17): the people of a subtree's units by
            # date of birth, with what the common filters read besides (sex for the
            # pensioners, the village, the id the membership test joins on), so that
            # PostgreSQL counts from the index alone.
            models.Index(
                fields=["unit", "birth_date"],
                include=["sex", "settlement", "id"],
                name="person_unit_born",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)

    def derive(self) -> None:
        """Fill what follows from other fields: birth date and sex from the IIN, search key."""
        if self.iin:
            info = parse_iin(self.iin)
            self.birth_date = info.birth_date
            self.sex = info.sex
        self.search_name = self.full_name.lower()

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person's membership in a primary. Leaving archives it; nothing is deleted."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("primary organization"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=16, choices=LeaveReason.choices, blank=True
    )
    card_number = models.CharField(
        _("party card number"), max_length=20, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    dues_category = models.CharField(
        _("dues category"),
        max_length=16,
        choices=DuesCategory.choices,
        default=DuesCategory.WORKING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["person__surname", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~Q(status=MembershipStatus.ARCHIVED),
                name="membership_one_current_per_person",
                violation_error_message=_("This person is already a member of a primary."),
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("joined")),
                name="membership_left_after_joined",
                violation_error_message=_("A member cannot leave before joining."),
            ),
            models.CheckConstraint(
                condition=Q(status=MembershipStatus.ARCHIVED, left__isnull=False)
                | (~Q(status=MembershipStatus.ARCHIVED) & Q(left__isnull=True)),
                name="membership_archived_iff_left",
                violation_error_message=_("An archived membership has a leaving date."),
            ),
        ]
        indexes = [
            models.Index(fields=["primary", "status"], name="membership_primary_status"),
            # "Is this person a member now?" (the outreach segments' membership filter, once
            # per person counted) answered from the index alone.
            models.Index(
                fields=["person"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="membership_active_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.primary}"


def _import_upload_to(instance: "MemberImport", filename: str) -> str:
    return f"imports/members/{instance.created_at:%Y/%m}/{instance.token}-{filename}"


class MemberImport(models.Model):
    """An uploaded member list: checked first, then imported whole (valid rows) or not at all."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone_now)
    file = models.FileField(upload_to=_import_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    default_primary = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    # [{"row": 7, "name": "...", "iin": "...", "errors": {"iin": ["..."]}, "member": false}]:
    # rows of the file that were or will be refused ("member": only for being a member).
    errors = models.JSONField(default=list, blank=True)
    # Between upload and confirmation (issue 14): where the header is, what each column
    # holds as the chair corrected it, what looks wrong and what the chair decided.
    header_row = models.PositiveSmallIntegerField(default=1)
    columns = models.JSONField(default=list, blank=True)  # the header texts of the file
    mapping = models.JSONField(default=list, blank=True)  # a column key per column, "" unused
    # [{"row": 9, "kind": "left", "name": "...", "iin": "...", "message": "..."}]
    warnings = models.JSONField(default=list, blank=True)
    # {"all": {"left": "archive"}, "rows": {"9": {"left": "skip"}}}
    decisions = models.JSONField(default=dict, blank=True)
    # Skipped total rows, columns not imported, proposed categories, settlements matched.
    notes = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class PersonTransferRequest(models.Model):
    """A request to use a person whose record is kept outside the requester's scope.

    Made when a staff form brings in an IIN that the registry keeps elsewhere (the form
    itself is refused and shows nothing of the person). The keeper, or an administrator
    above both, approves or refuses it. Approval does not move the record: it lets the
    requesting unit (and its subtree) link the person from then on (shared keeping); the
    keeper still keeps and edits the record.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="transfer_requests", verbose_name=_("person")
    )
    from_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kept by"),
    )
    to_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by the organization"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone_now)

    # The keeper's side: who may decide sees it.
    scope_path = "from_unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request to use a person's record")
        verbose_name_plural = _("requests to use persons' records")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "to_unit"],
                condition=Q(status=TransferStatus.PENDING),
                name="transfer_one_pending_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.to_unit}"


class AccessLog(models.Model):
    """Who saw or took personal data: every lookup by IIN, every view of an unmasked IIN or
    phone, every export. Append-only: nothing updates or deletes a row (the model refuses,
    and on PostgreSQL a trigger does too)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("when"), default=timezone_now, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    # Where the data belongs (the person's unit, the export's scope): the log is scoped by it.
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    what = models.CharField(_("what"), max_length=200)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["actor", "at"], name="accesslog_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


def _consent_document_to(instance: "Consent", filename: str) -> str:
    return f"consents/{instance.given_at:%Y/%m}/{instance.person_id}-{filename}"


class Consent(models.Model):
    """One consent of a person to one purpose (Law on personal data, 2013, art. 7-8): how
    and when it was given, the signed document if any, and its withdrawal. A withdrawal
    closes the row (never deleted); a new consent to the same purpose is a new row. At
    most one open consent per person and purpose."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    channel = models.CharField(_("how given"), max_length=16, choices=ConsentChannel.choices)
    given_at = models.DateTimeField(_("given"), default=timezone_now)
    document = models.FileField(
        _("document"), upload_to=_consent_document_to, max_length=255, blank=True
    )
    document_ref = models.CharField(_("document number or note"), max_length=200, blank=True)
    # For a person under 18 the consent is given by a parent or another legal representative
    # (Law on personal data, art. 8): their name and the document, as written on the form.
    # The child's row holds it, so "is there an open consent" stays one question per person.
    representative = models.CharField(
        _("given by parent or legal representative"), max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)

    history = HistoricalRecords()

    scope_path = "person__unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["person_id", "purpose", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_open_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class TelegramChat(models.Model):
    """A Telegram chat with the citizens' bot: who it is (once they share their contact or
    register an appeal), which primary's deep link brought them, their language, and
    what they subscribed to in their village (news, field receptions), and whether they
    stopped the bot (/stop). The chat id is Telegram's and unique."""

    chat_id = models.BigIntegerField(_("Telegram chat"), unique=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="telegram_chats",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("primary organization"),
    )
    settlement = models.ForeignKey(
        "orgs.Settlement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("village or town"),
    )
    subscribed_news = models.BooleanField(_("news of the village"), default=False)
    subscribed_receptions = models.BooleanField(_("field receptions in the village"), default=False)
    username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone_now)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Telegram chat")
        verbose_name_plural = _("Telegram chats")

    def __str__(self) -> str:
        return f"tg:{self.chat_id}"
