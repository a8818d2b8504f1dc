from django.db import models
from django.utils.translation import gettext_lazy as _

from pervichka.core import tree


class OrgKind(models.TextChoices):
    PARTY = "party", _("Party")
    REGION = "region", _("Region branch")
    DISTRICT = "district", _("District branch")
    PRIMARY = "primary", _("Primary organization")


# The kind each kind of unit may hold as children: the next level of core.tree (party →
# region → district → primary). A city district branch sits at the district level.
CHILD_KIND = {
    OrgKind(kind): OrgKind(tree.DEPTH_KIND[depth + 1])
    for kind, depth in tree.KIND_DEPTH.items()
    if depth + 1 in tree.DEPTH_KIND
}


class PositionKind(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")


class SettlementKind(models.TextChoices):
    CITY = "city", _("City")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")
    STATION = "station", _("Station")
