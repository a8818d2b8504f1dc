from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "pervichka.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        from pervichka.appeals import kpis  # noqa: F401  (registers the KPIs)
