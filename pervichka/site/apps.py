from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top floor: what combines the capabilities — the start page, the navigation, the
    public portal's home and the one `public` URL namespace."""

    name = "pervichka.site"
    label = "site"
    verbose_name = _("Site")
