from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from pervichka.core.admin import ScopedAdmin
from pervichka.orgs.models import OrgUnit, Position, Settlement


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin, TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(OrgUnit, exclude=["path", "depth", "numchild"])
    list_display = ["name", "kind", "kato", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_kk", "kato", "code"]

    def has_add_permission(self, request):
        # Adding roots and moving nodes reshapes the whole tree: superusers only. Others add
        # units through the API or services, which check the parent is in their scope.
        return request.user.is_superuser


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
