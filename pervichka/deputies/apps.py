from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "pervichka.deputies"
    label = "deputies"
    verbose_name = _("Deputies of the faction")

    def ready(self):
        from pervichka.deputies import subjects  # what it holds about persons

        subjects.register()
