from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "pervichka.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # Registers what the people floor holds about persons with core.subjects.
        from pervichka.people import subjects

        subjects.register()
