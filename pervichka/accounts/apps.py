from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pervichka.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from pervichka.accounts import authcache
        from pervichka.accounts.models import RoleAssignment, User
        from pervichka.accounts.services import api_tokens_revoke_all

        # Every path that changes a password (the page, the admin, changepassword) revokes
        # the user's API tokens: the signal is the one place all of them pass.
        def _remember_password(sender, instance, **kwargs):
            old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
            instance._password_changed = (
                bool(instance.pk) and old is not None and (old != instance.password)
            )

        def _revoke_tokens(sender, instance, created, **kwargs):
            if getattr(instance, "_password_changed", False):
                instance._tokens_revoked = api_tokens_revoke_all(user=instance)
                instance._password_changed = False

        pre_save.connect(
            _remember_password, sender=User, dispatch_uid="password-remember", weak=False
        )
        post_save.connect(_revoke_tokens, sender=User, dispatch_uid="password-tokens", weak=False)
        # The user and roles cached for requests (authcache) are read afresh after a change.
        for model, receiver in (
            (User, authcache.on_user_write),
            (RoleAssignment, authcache.on_assignment_write),
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    receiver,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"authcache-{model.__name__}-{signal is post_save}",
                )
