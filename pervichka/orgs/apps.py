from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "pervichka.orgs"
    label = "orgs"
    verbose_name = _("Organizations")

    def ready(self):
        from pervichka.orgs import subjects  # what it holds about persons

        subjects.register()
        # Scopes are cached as paths (accounts.authcache): a unit's change moves them on.
        from django.db.models.signals import post_delete, post_save

        from pervichka.core.freshness import bump_tree
        from pervichka.orgs.models import OrgUnit

        post_save.connect(bump_tree, sender=OrgUnit, dispatch_uid="tree-generation-save")
        post_delete.connect(bump_tree, sender=OrgUnit, dispatch_uid="tree-generation-delete")
