from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "pervichka.projects"
    label = "projects"
    verbose_name = _("Party projects")

    def ready(self):
        from pervichka.dues import project_choices

        # The KPIs register on import; what the app holds about persons registers below.
        from pervichka.projects import kpis, subjects  # noqa: F401
        from pervichka.projects.selectors import project_choices_for_dues

        subjects.register()
        project_choices.register(project_choices_for_dues)
