from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "pervichka.youth"
    label = "youth"
    verbose_name = _("Youth and NEET")

    def ready(self):
        from pervichka.youth import kpis  # noqa: F401  (registers the KPIs)
