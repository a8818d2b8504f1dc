from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GreeningConfig(AppConfig):
    name = "pervichka.greening"
    label = "greening"
    verbose_name = _("Plantings")

    def ready(self):
        # Loaded here, not at import: they register with core.kpis and the projects' pages,
        # which must find every app loaded first.
        from pervichka.greening import kpis, parts  # noqa: F401
