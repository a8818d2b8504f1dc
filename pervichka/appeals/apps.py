from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "pervichka.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from django.db.models.signals import post_save

        from pervichka.appeals import kpis  # noqa: F401  (registers the KPIs)
        from pervichka.appeals.searching import person_changed
        from pervichka.people.models import Person

        post_save.connect(
            person_changed, sender=Person, dispatch_uid="appeals-search-keys", weak=False
        )
