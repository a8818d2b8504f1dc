from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pervichka.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from pervichka.core import checks, lookups  # noqa: F401 (checks register themselves)
        from pervichka.core.calendar import forget_overrides
        from pervichka.core.history import cache_history_manager_classes
        from pervichka.core.models import CalendarOverride

        def _changed(**kwargs):
            forget_overrides()

        post_save.connect(
            _changed, sender=CalendarOverride, dispatch_uid="calendar-save", weak=False
        )
        post_delete.connect(
            _changed, sender=CalendarOverride, dispatch_uid="calendar-delete", weak=False
        )
        lookups.register()
        cache_history_manager_classes()
