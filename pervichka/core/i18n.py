"""Names stored in three languages, and the one picked for the reader."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedNameMixin(models.Model):
    """`name` is Russian (the default language); `name_kk` and `name_en` fall back to it."""

    name = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        return pick_name(self.name, self.name_kk, self.name_en)

    def __str__(self) -> str:
        return self.display_name


def pick_name(ru: str, kk: str = "", en: str = "") -> str:
    """The reader's language of a name given in three, falling back to Russian."""
    language = (get_language() or "ru")[:2]
    if language == "kk" and kk:
        return kk
    if language == "en" and en:
        return en
    return ru
