from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top floor: what combines the capabilities — the start page, the navigation, the
    public portal's home and the one `public` URL namespace."""

    name = "pervichka.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self):
        # Figures are cached by the write counter: a save or delete of any of our models
        # moves it on (bulk writes and updates are caught by their callers and the
        # middleware, see core.freshness).
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from pervichka.core.freshness import bump

        for model in apps.get_models():
            if model.__module__.startswith("pervichka.") and model._meta.label != (
                "core.Notification"
            ):
                post_save.connect(
                    bump, sender=model, dispatch_uid=f"fresh-save-{model._meta.label}"
                )
                post_delete.connect(
                    bump, sender=model, dispatch_uid=f"fresh-delete-{model._meta.label}"
                )
