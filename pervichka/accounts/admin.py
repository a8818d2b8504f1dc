from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pervichka.accounts.models import ApiToken, RoleAssignment, User
from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import ROLE_UNIT_KINDS, Perm


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


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "org_unit", "revoked_at"]

    def clean(self):
        data = super().clean()
        role, unit = data.get("role"), data.get("org_unit")
        if role and unit and unit.kind not in ROLE_UNIT_KINDS[role]:
            raise forms.ValidationError(
                {"org_unit": _("This role cannot be held at this level of the organization.")}
            )
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = RoleAssignmentForm
    scope_path = "org_unit__path"
    view_perm = Perm.ACCOUNTS_MANAGE
    manage_perm = Perm.ACCOUNTS_MANAGE
    list_display = ["user", "role", "org_unit", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "hint", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False
