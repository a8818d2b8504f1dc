from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    # The district's money box: cash in the till and the bank account, one account.
    CASH = "cash", _("cash and bank")
    # What the district collected as dues (credit-normal).
    DUES = "dues", _("dues collected")
    # A primary's project fund: the returned share of its dues, less what it spent.
    FUND = "fund", _("project fund")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("cash (receipt)")
    BANK = "bank", _("bank transfer")


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", _("dues payment")
    SPENDING = "spending", _("spending from a project fund")
    REVERSAL = "reversal", _("reversal")


class SpendingStatus(models.TextChoices):
    REQUESTED = "requested", _("waiting for the district")
    APPROVED = "approved", _("approved and paid")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class StatementLineResult(models.TextChoices):
    MATCHED = "matched", _("recorded")
    DUPLICATE = "duplicate", _("already recorded earlier")
    UNMATCHED = "unmatched", _("not matched")
