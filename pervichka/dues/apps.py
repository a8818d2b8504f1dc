from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "pervichka.dues"
    label = "dues"
    verbose_name = _("Dues and project funds")

    def ready(self):
        from pervichka.dues import kpis  # noqa: F401  (registers the KPIs)
