from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "pervichka.media"
    label = "media"
    verbose_name = _("News and social networks")

    def ready(self):
        # Loaded here, not at import: they register with core.kpis, which must find every
        # app loaded first.
        from pervichka.media import kpis  # noqa: F401
        from pervichka.media.receivers import on_consent_withdrawn
        from pervichka.people.signals import consent_withdrawn

        consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="media.photos_take_down")
