from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "pervichka.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.appeals import kpis, subjects  # noqa: F401
        from pervichka.appeals.district_cache import on_change
        from pervichka.appeals.models import AppealRules, Category
        from pervichka.appeals.searching import person_changed
        from pervichka.people.models import Person

        subjects.register()
        post_save.connect(
            person_changed, sender=Person, dispatch_uid="appeals-search-keys", weak=False
        )
        # The intake's cached rules and categories of a district are read afresh after a change.
        for model in (AppealRules, Category):
            for signal in (post_save, post_delete):
                signal.connect(
                    on_change, sender=model, dispatch_uid=f"appeals-intake-{model.__name__}"
                )
