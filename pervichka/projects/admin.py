from django.contrib import admin

from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm
from pervichka.orgs.enums import OrgKind
from pervichka.projects.models import Participation, Project, ProjectTarget


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """The national catalog: superusers only."""

    list_display = ["name", "code", "kind", "is_active"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProjectTarget)
class ProjectTargetAdmin(ScopedAdmin):
    scope_path = "unit__path"
    view_perm = Perm.PROJECTS_VIEW
    manage_perm = Perm.PROJECTS_ADMIN
    list_display = ["project", "unit", "year", "kpi", "target"]
    list_filter = ["project", "year", "kpi"]


@admin.register(Participation)
class ParticipationAdmin(ScopedAdmin):
    """Which primaries take part in which projects (the project page joins and leaves too)."""

    scope_path = "primary__path"
    view_perm = Perm.PROJECTS_VIEW
    manage_perm = Perm.PROJECTS_MANAGE
    list_display = ["primary", "project", "joined_on", "left_on"]
    list_filter = ["project"]
    list_select_related = ["primary", "project"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "primary":
            field.queryset = field.queryset.filter(kind=OrgKind.PRIMARY)
        return field
