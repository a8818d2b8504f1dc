from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "pervichka.dues"
    label = "dues"
    verbose_name = _("Dues and project funds")

    def ready(self):
        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.dues import kpis, subjects  # noqa: F401

        subjects.register()
