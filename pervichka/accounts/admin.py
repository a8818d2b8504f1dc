from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from pervichka.accounts.models import ApiToken, RoleAssignment, User
from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "org_unit", "granted_at", "revoked_at"]
    readonly_fields = ["granted_at"]
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are managed by superusers; administrators grant roles in Role assignments."""

    inlines = [RoleInline]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Pervichka", {"fields": ["person"]})]
    raw_id_fields = ["person"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_path = "org_unit__path"
    view_perm = Perm.ACCOUNTS_MANAGE
    manage_perm = Perm.ACCOUNTS_MANAGE
    list_display = ["user", "role", "org_unit", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "hint", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False
