"""Django admin, scoped: a non-superuser sees and changes only rows inside their subtree."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from pervichka.core.calendar import law_transfers, years_without_transfers
from pervichka.core.models import CalendarOverride, Notification
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, scope_paths, scope_q
from pervichka.core.tree import PARTY, sees_level


class ScopedAdmin(admin.ModelAdmin):
    """Set `scope_path` (the lookup to an org unit's path) and the view/manage permissions."""

    scope_path: str = "path"
    view_perm: Perm = Perm.ORGS_VIEW
    manage_perm: Perm = Perm.ORGS_MANAGE
    # Nothing a person entered is deleted (DESIGN.md): rows are archived or revoked instead.
    can_delete = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(scope_q(request.user, self.view_perm, self.scope_path))

    def has_module_permission(self, request):
        return (
            request.user.is_active
            and request.user.is_staff
            and has_perm_anywhere(request.user, self.view_perm)
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        if not has_perm_anywhere(request.user, self.manage_perm):
            return False
        if obj is None:
            return True
        return self.get_manage_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return request.user.is_staff and has_perm_anywhere(request.user, self.manage_perm)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and self.can_delete

    def get_manage_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(scope_q(request.user, self.manage_perm, self.scope_path))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Any foreign key to the org tree offers only the units the user manages.
        if db_field.related_model._meta.label == "orgs.OrgUnit":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                scope_q(request.user, self.manage_perm, "path")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Government-declared transfers of working days: one calendar for the whole country.
    Every appeals administrator sees it (deadlines depend on it); only an administrator at
    the national level (or a superuser) changes it, so that one district cannot move
    everybody's deadlines."""

    list_display = ["date", "is_working", "note"]
    date_hierarchy = "date"
    change_list_template = "admin/core/calendaroverride/change_list.html"

    def changelist_view(self, request, extra_context=None):
        # Which of last, this and next year have no transfer at all, neither from the
        # `holidays` package (past years) nor entered here: the government declares them
        # each year, and deadlines around them are a day off until someone enters them.
        year = timezone.localdate().year
        years = [year - 1, year, year + 1]
        extra_context = {
            **(extra_context or {}),
            "years_without_transfers": years_without_transfers(years),
            "law_transfers": [(y, sorted(law_transfers(y))) for y in years if law_transfers(y)],
        }
        return super().changelist_view(request, extra_context)

    def _admin(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and (request.user.is_superuser or has_perm_anywhere(request.user, Perm.APPEALS_ADMIN))
        )

    def has_module_permission(self, request):
        return self._admin(request)

    def has_view_permission(self, request, obj=None):
        return self._admin(request)

    def _national(self, request) -> bool:
        if not self._admin(request):
            return False
        return sees_level(scope_paths(request.user, Perm.APPEALS_ADMIN), PARTY)

    def has_change_permission(self, request, obj=None):
        return self._national(request)

    def has_add_permission(self, request):
        return self._national(request)

    def has_delete_permission(self, request, obj=None):
        return self._national(request)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "kind", "status", "attempts"]
    list_filter = ["status", "channel", "kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False
