from django.db import models
from django.utils.translation import gettext_lazy as _


class BreachStatus(models.TextChoices):
    OPEN = "open", _("authorised body not yet notified")
    NOTIFIED = "notified", _("authorised body notified")
