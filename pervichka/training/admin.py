from django.contrib import admin

from pervichka.training.models import Course, Module


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["order", "name", "name_kk", "name_en", "hours", "material_file", "material_url"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    """The School's programme: national, kept by superusers."""

    list_display = [
        "name",
        "code",
        "pass_mark",
        "min_attendance",
        "required_for_chairs",
        "is_active",
    ]
    inlines = [ModuleInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )

    def has_delete_permission(self, request, obj=None):
        return False
