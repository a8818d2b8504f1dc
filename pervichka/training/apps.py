from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "pervichka.training"
    label = "training"
    verbose_name = _("School of political management")

    def ready(self):
        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.training import kpis, subjects  # noqa: F401

        subjects.register()
