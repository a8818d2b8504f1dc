from django.contrib import admin
from django.db.models import Q

from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, scope_q
from pervichka.orgs.selectors import districts_for
from pervichka.youth.models import MRP, SupportMeasure, YouthRules


@admin.register(SupportMeasure)
class SupportMeasureAdmin(admin.ModelAdmin):
    """The catalogue. National measures (no district) are changed by superusers; a district
    sees them, adds its own, and replaces a national one by adding a measure with the same
    code (other terms, or "in use" switched off to withdraw it in the district)."""

    list_display = [
        "name",
        "code",
        "district",
        "min_age",
        "max_age",
        "settlement_kind",
        "only_neet",
        "benefit_mrp",
        "is_active",
    ]
    list_filter = ["is_active", "settlement_kind"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            scope_q(request.user, Perm.YOUTH_MANAGE, "district__path") | Q(district__isnull=True)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not request.user.is_superuser:
            kwargs["queryset"] = districts_for(request.user, perm=Perm.YOUTH_MANAGE)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_staff and (
            request.user.is_superuser or has_perm_anywhere(request.user, Perm.YOUTH_MANAGE)
        )

    has_view_permission = has_add_permission = lambda self, request, obj=None: (
        self.has_module_permission(request)
    )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.district_id is None and not request.user.is_superuser:
            return False  # a national measure: the district replaces it with its own
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YouthRules)
class YouthRulesAdmin(ScopedAdmin):
    scope_path = "district__path"
    view_perm = Perm.YOUTH_MANAGE
    manage_perm = Perm.YOUTH_MANAGE
    list_display = ["district", "max_age", "followup_days"]


@admin.register(MRP)
class MRPAdmin(admin.ModelAdmin):
    list_display = ["year", "value"]

    def has_module_permission(self, request):
        return request.user.is_superuser
