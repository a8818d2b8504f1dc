from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    YARD = "yard", _("yard of a house")
    STREET = "street", _("street")
    ROADSIDE = "roadside", _("roadside")
    SCHOOL = "school", _("school grounds")
    SHELTER_BELT = "shelter_belt", _("shelter belt")
    OTHER = "other", _("other place")
