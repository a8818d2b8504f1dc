from django.contrib import admin

from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm
from pervichka.dues.models import DuesRate, Payment, ReturnShare, SpendingRequest


class DuesAdminBase(ScopedAdmin):
    view_perm = Perm.DUES_ADMIN
    manage_perm = Perm.DUES_ADMIN


@admin.register(DuesRate)
class DuesRateAdmin(DuesAdminBase):
    scope_path = "district__path"
    list_display = ["district", "category", "amount", "exempt", "valid_from"]
    list_filter = ["category", "exempt"]


@admin.register(ReturnShare)
class ReturnShareAdmin(DuesAdminBase):
    scope_path = "district__path"
    list_display = ["district", "share", "valid_from"]


class ReadOnlyLedger(ScopedAdmin):
    """Payments and spending change only through their services (reversals, decisions)."""

    view_perm = Perm.DUES_VIEW

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyLedger):
    scope_path = "primary__path"
    list_display = ["paid_on", "membership", "amount", "method", "is_reversed"]
    list_filter = ["method", "is_reversed"]


@admin.register(SpendingRequest)
class SpendingRequestAdmin(ReadOnlyLedger):
    scope_path = "primary__path"
    list_display = ["requested_at", "primary", "amount", "status"]
    list_filter = ["status"]
