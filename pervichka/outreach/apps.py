from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "pervichka.outreach"
    label = "outreach"
    verbose_name = _("Work with citizens")

    def ready(self):
        # Loaded here, not at import: they register with core.kpis, which must find every
        # app loaded first.
        from pervichka.outreach import (
            announcement_tasks,  # noqa: F401
            kpis,  # noqa: F401
        )
