"""Deputies of the party's faction in a local council (maslikhat): a person of the registry
with a council, a term, a constituency. Their receptions and appeals come from `appeals`."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.scoping import ScopedQuerySet


class Deputy(models.Model):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="deputy_terms",
        verbose_name=_("person"),
    )
    # The district (or region) whose council it is: the scope of the deputy's record.
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="deputies",
        verbose_name=_("organization of the council's territory"),
    )
    council = models.CharField(_("council (maslikhat)"), max_length=255)
    term = models.CharField(_("term (convocation)"), max_length=50)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term to"), null=True, blank=True)
    constituency = models.CharField(_("constituency"), max_length=255, blank=True)
    faction = models.CharField(_("faction"), max_length=100, default="AMANAT")
    role_in_faction = models.CharField(_("role in the faction"), max_length=100, blank=True)

    history = HistoricalRecords()

    scope_path = "unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["person__surname", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "council", "term"], name="deputy_term_once"),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="deputy_term_order",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)
