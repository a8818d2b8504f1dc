from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from pervichka.accounts.models import ApiToken, RoleAssignment, User
from pervichka.accounts.services import role_assign, role_assign_check, role_revoke
from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm
from pervichka.core.scoping import scope_q
from pervichka.orgs.models import OrgUnit


class RoleGrantForm(forms.ModelForm):
    """A role assignment as the admin edits it: a new one is checked by the same service
    check as every other grant (the actor's subtree, the level of the unit); an existing one
    can only be revoked. `actor` is set per request by the admin (`get_form`/`get_formset`)."""

    actor: User | None = None

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "org_unit", "revoked_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Not re-pointed: an assignment is revoked and a new one granted instead.
            for name in ("user", "role", "org_unit"):
                if name in self.fields:
                    self.fields[name].disabled = True
            if self.instance.revoked_at is not None and "revoked_at" in self.fields:
                self.fields["revoked_at"].disabled = True

    def clean(self):
        data = super().clean()
        role, unit = data.get("role"), data.get("org_unit")
        if self.instance.pk is None and role and unit:
            user = data.get("user") or getattr(self.instance, "user", None)
            try:
                role_assign_check(actor=self.actor, user=user, role=role, org_unit=unit)
            except Http404:
                # Outside the actor's subtree: answered as a unit that does not exist.
                self.add_error("org_unit", self.fields["org_unit"].error_messages["invalid_choice"])
        return data

    def _post_clean(self):
        super()._post_clean()
        # The model's unique constraint would repeat the service's message; keep one.
        if self.instance.pk is None and NON_FIELD_ERRORS in self.errors:
            messages = list(dict.fromkeys(self.errors[NON_FIELD_ERRORS]))
            self.errors[NON_FIELD_ERRORS] = self.error_class(messages)


def role_assignment_save(request, form: RoleGrantForm) -> RoleAssignment:
    """Save what the admin form holds through the accounts services."""
    obj = form.instance
    if obj.pk is None:
        granted = role_assign(
            actor=request.user, user=obj.user, role=obj.role, org_unit=obj.org_unit
        )
        obj.pk, obj.granted_at, obj.granted_by = granted.pk, granted.granted_at, granted.granted_by
        obj._state.adding = False
        return granted
    if "revoked_at" in form.changed_data and obj.revoked_at is not None:
        current = RoleAssignment.objects.get(pk=obj.pk)
        return role_revoke(actor=request.user, assignment=current)
    return obj


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    form = RoleGrantForm
    fk_name = "user"
    extra = 0
    fields = ["role", "org_unit", "granted_at", "revoked_at"]
    readonly_fields = ["granted_at"]
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.actor = request.user
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "org_unit":
            kwargs["queryset"] = OrgUnit.objects.filter(
                scope_q(request.user, Perm.ACCOUNTS_MANAGE, "path")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are managed by superusers; administrators grant roles in Role assignments.
    Roles added or revoked in the inline go through the same services as everywhere."""

    inlines = [RoleInline]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Pervichka", {"fields": ["person"]})]
    raw_id_fields = ["person"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        # What formset.save() would do, through the services; the admin's change message
        # reads the three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for role_form in formset.forms:
            if not role_form.has_changed():
                continue
            adding = role_form.instance.pk is None
            role_form.instance.user = form.instance
            saved = role_assignment_save(request, role_form)
            if adding:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, role_form.changed_data))
        return None


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = RoleGrantForm
    scope_path = "org_unit__path"
    view_perm = Perm.ACCOUNTS_MANAGE
    manage_perm = Perm.ACCOUNTS_MANAGE
    list_display = ["user", "role", "org_unit", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        role_assignment_save(request, form)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "hint", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False
