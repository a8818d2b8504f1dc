from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "pervichka.ideas"
    label = "ideas"
    verbose_name = _("Ideas contest")

    def ready(self):
        # Loaded here, not at import: they register with core.kpis and the projects' pages,
        # which must find every app loaded first.
        from pervichka.ideas import (  # noqa: F401
            kpis,
            parts,
            subjects,  # what it holds about persons
        )

        subjects.register()
