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
