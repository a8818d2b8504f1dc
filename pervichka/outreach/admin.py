from django.contrib import admin

from pervichka.outreach.models import Meeting, PersonCategory, Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "membership"]
    raw_id_fields = ["unit"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["topic", "unit", "kind", "planned_for", "held_on", "people_reached"]
    raw_id_fields = ["unit"]


@admin.register(PersonCategory)
class PersonCategoryAdmin(admin.ModelAdmin):
    list_display = ["person", "category", "source", "noted_on"]
    raw_id_fields = ["person"]
