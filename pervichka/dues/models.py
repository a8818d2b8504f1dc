"""The dues ledger: double entry in tenge with two places.

Every transaction's entries sum to zero (debits positive, credits negative). A payment of
X by a member of a primary with the district's return share s is four entries:
    cash +X, dues −X  (the district received X)
    dues +sX, fund −sX  (it owes sX to the primary's project fund)
A spending from a fund is fund +Y, cash −Y. Corrections are reversals: a new transaction
with every entry negated; nothing is edited or deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pervichka.core.scoping import ScopedQuerySet
from pervichka.dues.enums import (
    AccountKind,
    PaymentMethod,
    SpendingStatus,
    StatementLineResult,
    TransactionKind,
)
from pervichka.people.enums import DuesCategory

MONEY = {"max_digits": 14, "decimal_places": 2}


class DuesRate(models.Model):
    """The monthly dues of a member category in a district, from a date on."""

    district = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="dues_rates",
    )
    category = models.CharField(_("category"), max_length=16, choices=DuesCategory.choices)
    amount = models.DecimalField(_("monthly amount, ₸"), **MONEY)
    exempt = models.BooleanField(_("exempt from dues"), default=False)
    valid_from = models.DateField(_("applies from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues rate")
        verbose_name_plural = _("dues rates")
        ordering = ["district", "category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "category", "valid_from"], name="dues_rate_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount} ({self.valid_from})"


class ReturnShare(models.Model):
    """The share of collected dues returned to the primary's project fund, from a date on."""

    district = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="return_shares",
    )
    share = models.DecimalField(_("share (0.20 is 20%)"), max_digits=4, decimal_places=3)
    valid_from = models.DateField(_("applies from"))

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("return share")
        verbose_name_plural = _("return shares")
        ordering = ["district", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["district", "valid_from"], name="return_share_unique"),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1), name="return_share_between_0_and_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share:.0%} ({self.valid_from})"


class Account(models.Model):
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    kind = models.CharField(max_length=8, choices=AccountKind.choices)
    # The sum of the account's entries (debits positive), kept with every posting under the
    # row lock; a fund's money is −balance. A test checks it against the entries.
    balance = models.DecimalField(default=0, **MONEY)

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="account_unique_per_unit"),
            # A project fund never holds less than nothing.
            models.CheckConstraint(
                condition=~Q(kind="fund") | Q(balance__lte=0), name="fund_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit}"


class Transaction(models.Model):
    kind = models.CharField(max_length=12, choices=TransactionKind.choices)
    date = models.DateField(_("date"))
    memo = models.CharField(_("description"), max_length=255)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
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

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.memo}"


class Entry(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(**MONEY)  # debit > 0, credit < 0
    date = models.DateField()  # the transaction's date, here for per-period sums by index

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["account", "date"], name="entry_account_date")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class Payment(models.Model):
    """Dues paid by one member for one or several months."""

    membership = models.ForeignKey(
        "people.Membership",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("primary organization"),
        on_delete=models.PROTECT,
        related_name="dues_payments",
    )
    amount = models.DecimalField(_("amount, ₸"), **MONEY)
    method = models.CharField(_("method"), max_length=8, choices=PaymentMethod.choices)
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=80, null=True, blank=True)
    paid_on = models.DateField(_("paid on"))
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="payment"
    )
    is_reversed = models.BooleanField(_("reversed"), default=False)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            # One bank transfer is one payment, however often its statement is imported.
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=Q(bank_reference__isnull=False),
                name="payment_bank_reference_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]
        indexes = [models.Index(fields=["primary", "paid_on"], name="payment_primary_date")]

    def __str__(self) -> str:
        return f"{self.membership} — {self.amount} ({self.paid_on})"


class PaidMonth(models.Model):
    """One month a payment covers. A month is paid once unless the payment is reversed."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="months")
    membership = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="paid_months"
    )
    primary = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month
    amount = models.DecimalField(**MONEY)
    is_reversed = models.BooleanField(default=False)

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "month"],
                condition=Q(is_reversed=False),
                name="month_paid_once",
            ),
        ]
        indexes = [models.Index(fields=["primary", "month"], name="paidmonth_primary_month")]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.month:%Y-%m}"


def _receipt_path(instance: "SpendingRequest", filename: str) -> str:
    return f"dues/receipts/{instance.primary_id}/{instance.pk}-{filename}"


class SpendingRequest(models.Model):
    primary = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("primary organization"),
        on_delete=models.PROTECT,
        related_name="spending_requests",
    )
    amount = models.DecimalField(_("amount, ₸"), **MONEY)
    purpose = models.TextField(_("purpose"))
    # A project of the projects app, when that app exists: kept as a plain reference now.
    project_ref = models.CharField(_("project"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SpendingStatus.choices, default=SpendingStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    transaction = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="spending"
    )
    receipt = models.FileField(_("receipt"), upload_to=_receipt_path, blank=True, max_length=255)
    receipt_note = models.CharField(_("receipt details"), max_length=255, blank=True)

    scope_path = "primary__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("spending request")
        verbose_name_plural = _("spending requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive")]

    def __str__(self) -> str:
        return f"{self.primary}: {self.amount}"


class StatementImport(models.Model):
    """A bank statement loaded once: its hash is unique, each line's reference too."""

    district = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    file_sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    lines = models.JSONField(default=list)  # [{"row", "date", "amount", "reference", ...}]
    matched = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.original_name


__all__ = ["StatementLineResult"]
