from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "pervichka.orgs"
    label = "orgs"
    verbose_name = _("Organizations")

    def ready(self):
        from pervichka.orgs import subjects  # what it holds about persons

        subjects.register()
