from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from pervichka.core import tree
from pervichka.core.i18n import TranslatedNameMixin
from pervichka.core.kato import validate_kato
from pervichka.core.scoping import ScopedQuerySet
from pervichka.orgs.enums import OrgKind, PositionKind, SettlementKind


class OrgUnitQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    pass


class OrgUnitManager(MP_NodeManager):
    """treebeard's manager (tree order, tree methods) with the scoped reads."""

    def get_queryset(self):
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, perm):
        return self.get_queryset().visible_to(user, perm)

    def readable_upwards(self, user, perm):
        return self.get_queryset().readable_upwards(user, perm)

    def get_for(self, user, perm, **lookup):
        return self.get_queryset().get_for(user, perm, **lookup)


class OrgUnit(TranslatedNameMixin, MP_Node):
    """A node of the branch network: party, region, district or primary organization.

    `path` (from MP_Node) is what scoping matches by prefix; never filter a subtree by ids.
    """

    steplen = tree.STEPLEN
    scope_path = "path"
    objects = OrgUnitManager()

    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    kato = models.CharField(
        _("KATO code"),
        max_length=9,
        blank=True,
        validators=[validate_kato],
        help_text=_("9 digits of the classifier of administrative-territorial objects."),
    )
    code = models.CharField(
        _("short code"),
        max_length=8,
        blank=True,
        help_text=_("Latin letters used in registration numbers, e.g. AKZ."),
    )
    settlement = models.ForeignKey(
        "orgs.Settlement",
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="org_units",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        indexes = [models.Index(fields=["kind", "path"], name="orgunit_kind_path")]

    def __str__(self) -> str:
        return self.display_name


class Settlement(TranslatedNameMixin, models.Model):
    """A village or town: reference data under a district, used by persons, appeals, events."""

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[validate_kato])
    kind = models.CharField(
        _("kind"), max_length=16, choices=SettlementKind.choices, default=SettlementKind.VILLAGE
    )
    district = models.ForeignKey(
        OrgUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="settlements",
        limit_choices_to={"kind": OrgKind.DISTRICT},
    )
    rural_district = models.CharField(_("rural district (okrug)"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name


class Position(models.Model):
    """An office held by a person in an org unit for a period; `end` empty means current."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="positions"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    kind = models.CharField(_("position"), max_length=16, choices=PositionKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    scope_path = "org_unit__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["org_unit", "kind", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit"],
                condition=Q(kind=PositionKind.CHAIR, end__isnull=True),
                name="position_one_current_chair",
                violation_error_message=_("This organization already has a current chair."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="position_end_after_start",
                violation_error_message=_("A position cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} ({self.org_unit})"
