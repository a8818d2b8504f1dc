from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "pervichka.training"
    label = "training"
    verbose_name = _("School of political management")

    def ready(self):
        from pervichka.training import kpis  # noqa: F401  (registers the KPIs)
