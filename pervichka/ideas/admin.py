from django.contrib import admin

from pervichka.core.admin import ScopedAdmin
from pervichka.core.roles import Perm
from pervichka.ideas.models import Contest, JuryCriterion


class JuryCriterionInline(admin.TabularInline):
    model = JuryCriterion
    extra = 0
    fields = ["name", "name_kk", "name_en", "weight", "max_score"]


@admin.register(Contest)
class ContestAdmin(ScopedAdmin):
    """A district's contest: its dates, the jury's share in the score, the criteria."""

    scope_path = "district__path"
    view_perm = Perm.PROJECTS_ADMIN
    manage_perm = Perm.PROJECTS_ADMIN
    list_display = ["district", "year", "submit_until", "vote_until", "jury_share"]
    inlines = [JuryCriterionInline]
