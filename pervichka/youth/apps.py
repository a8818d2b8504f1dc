from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "pervichka.youth"
    label = "youth"
    verbose_name = _("Youth and NEET")

    def ready(self):
        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.youth import kpis, subjects  # noqa: F401

        subjects.register()
