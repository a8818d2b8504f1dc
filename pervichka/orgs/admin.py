from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pervichka.core.admin import ScopedAdmin
from pervichka.orgs.models import OrgUnit, Position, Settlement


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """Units are listed in tree order and edited here; they are added through the API
    (`POST /api/v1/org-units`) or `org_unit_create`, which place them in the tree and check
    that the parent is in the actor's scope. treebeard's TreeAdmin is not used: it shows only
    roots, which a district administrator's scope does not include."""

    exclude = ["path", "depth", "numchild"]
    list_display = ["indented_name", "kind", "kato", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_kk", "kato", "code"]
    ordering = ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: OrgUnit) -> str:
        return "\u2003" * (obj.depth - 1) + obj.display_name

    def has_add_permission(self, request):
        return False


@admin.register(Settlement)
class SettlementAdmin(ScopedAdmin):
    scope_path = "district__path"
    list_display = ["name", "name_kk", "kind", "kato", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_kk", "kato"]


@admin.register(Position)
class PositionAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_path = "org_unit__path"
    list_display = ["org_unit", "kind", "person", "start", "end"]
    list_filter = ["kind"]
    raw_id_fields = ["person"]
    search_fields = ["person__search_name", "org_unit__name"]
