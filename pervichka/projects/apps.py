from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "pervichka.projects"
    label = "projects"
    verbose_name = _("Party projects")

    def ready(self):
        from pervichka.dues import project_choices
        from pervichka.projects import kpis  # noqa: F401  (registers the KPIs)
        from pervichka.projects.selectors import project_choices_for_dues

        project_choices.register(project_choices_for_dues)
