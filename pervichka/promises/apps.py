from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    name = "pervichka.promises"
    label = "promises"
    verbose_name = _("Election promises")

    def ready(self):
        from pervichka.promises import kpis  # noqa: F401  (registers the KPIs)
