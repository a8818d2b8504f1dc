from django.contrib import admin

from pervichka.core.admin import ScopedAdmin
from pervichka.deputies.models import Deputy


@admin.register(Deputy)
class DeputyAdmin(ScopedAdmin):
    scope_path = "unit__path"
    list_display = ["person", "council", "term", "constituency", "term_start", "term_end"]
    raw_id_fields = ["person"]
