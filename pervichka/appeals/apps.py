from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "pervichka.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.appeals import kpis, subjects  # noqa: F401

        subjects.register()
