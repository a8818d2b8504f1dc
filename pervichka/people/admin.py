from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm
from pervichka.people.models import Membership, Person


@admin.register(Person)
class PersonAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_path = "unit__path"
    view_perm = Perm.PEOPLE_PII
    manage_perm = Perm.PEOPLE_MANAGE
    list_display = ["surname", "name", "patronymic", "birth_date", "settlement", "unit"]
    search_fields = ["search_name", "iin", "phone"]
    readonly_fields = ["birth_date", "sex", "created_at", "updated_at"]
    raw_id_fields = ["settlement"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope_path = "primary__path"
    view_perm = Perm.MEMBERS_VIEW
    manage_perm = Perm.MEMBERS_MANAGE
    list_display = ["person", "primary", "joined", "left", "status", "card_number"]
    list_filter = ["status"]
    search_fields = ["person__search_name", "person__iin", "card_number"]
    raw_id_fields = ["person"]
