from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pervichka.appeals.models import (
    Appeal,
    AppealRules,
    Category,
    FieldReception,
    ReceptionOffice,
)
from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm


class AppealsAdminBase(ScopedAdmin):
    view_perm = Perm.APPEALS_ADMIN
    manage_perm = Perm.APPEALS_ADMIN


@admin.register(Category)
class CategoryAdmin(AppealsAdminBase):
    """The district edits its categories: rename, reorder, retire (never delete: appeals
    refer to them)."""

    scope_path = "district__path"
    list_display = ["name", "name_kk", "name_en", "code", "order", "is_active", "district"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]


@admin.register(AppealRules)
class AppealRulesAdmin(AppealsAdminBase, SimpleHistoryAdmin):
    scope_path = "district__path"
    list_display = [
        "district",
        "answer_working_days",
        "extension_max_months",
        "redirect_working_days",
        "reminder_working_days",
        "repeat_window_days",
    ]


@admin.register(ReceptionOffice)
class ReceptionOfficeAdmin(AppealsAdminBase):
    scope_path = "unit__path"
    list_display = ["name", "address", "hours", "is_active"]


@admin.register(FieldReception)
class FieldReceptionAdmin(AppealsAdminBase):
    scope_path = "unit__path"
    list_display = ["starts_at", "settlement", "place", "status", "is_public"]
    list_filter = ["status"]
    filter_horizontal = ["hosts"]


@admin.register(Appeal)
class AppealAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """Read-only here: appeals change only through their workflow (the appeal's page)."""

    scope_path = "unit__path"
    view_perm = Perm.APPEALS_PII
    manage_perm = Perm.APPEALS_ADMIN
    list_display = ["number", "received_at", "category", "status", "due_date", "unit"]
    list_filter = ["status", "channel"]
    search_fields = ["number", "tracking_code"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
