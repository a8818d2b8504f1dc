from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PARTY = "party", _("Party")
    REGION = "region", _("Region branch")
    DISTRICT = "district", _("District branch")
    PRIMARY = "primary", _("Primary organization")


# The kind each kind of unit may hold as children: the tree is party → region → district →
# primary. A city district branch sits at the district level.
CHILD_KIND = {
    OrgKind.PARTY: OrgKind.REGION,
    OrgKind.REGION: OrgKind.DISTRICT,
    OrgKind.DISTRICT: OrgKind.PRIMARY,
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
