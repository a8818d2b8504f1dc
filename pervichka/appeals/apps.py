from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "pervichka.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from django.db.models.signals import post_save

        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.appeals import kpis, subjects  # noqa: F401
        from pervichka.appeals.searching import person_changed
        from pervichka.people.models import Person

        subjects.register()
        post_save.connect(
            person_changed, sender=Person, dispatch_uid="appeals-search-keys", weak=False
        )
