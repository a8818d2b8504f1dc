"""The demo district's tree: AMANAT → North Kazakhstan region → Akzhar district → primaries."""

from __future__ import annotations

from pervichka.orgs.enums import OrgKind, SettlementKind
from pervichka.orgs.models import OrgUnit, Settlement

# (Russian, Kazakh, English): villages of the demo district. Codes are generated in the
# form of KATO for the region 59; they are demo values, not the official classifier.
SETTLEMENTS = [
    ("Талшик", "Талшық", "Talshik"),
    ("Айсары", "Айсары", "Aisary"),
    ("Алкатерек", "Алқатерек", "Alkaterek"),
    ("Бостандык", "Бостандық", "Bostandyk"),
    ("Восход", "Восход", "Voskhod"),
    ("Дейголь", "Дейгөл", "Deigol"),
    ("Кенащы", "Кенащы", "Kenashchy"),
    ("Ленинградское", "Ленинград", "Leningradskoye"),
    ("Майское", "Майское", "Maiskoye"),
    ("Новосельское", "Новосельское", "Novoselskoye"),
    ("Уялы", "Ұялы", "Uyaly"),
    ("Кызылту", "Қызылту", "Kyzyltu"),
    ("Ундирис", "Өндіріс", "Ondiris"),
]
PARTY = ("Партия «AMANAT»", "«AMANAT» партиясы", "AMANAT party", "AMN")
REGION = (
    "Северо-Казахстанский областной филиал",
    "Солтүстік Қазақстан облыстық филиалы",
    "North Kazakhstan regional branch",
    "SKO",
    "590000000",
)
DISTRICT = (
    "Акжарский районный филиал",
    "Ақжар аудандық филиалы",
    "Akzhar district branch",
    "AKZ",
    "593200000",
)

# A second, small district of the same region with two primaries: what the scope tests
# and a reviewer need to see that nothing crosses districts (issue 13).
OTHER_DISTRICT = (
    "Тайыншинский районный филиал",
    "Тайынша аудандық филиалы",
    "Tayynsha district branch",
    "TAY",
    "595600000",
)
OTHER_SETTLEMENTS = [
    ("Тайынша", "Тайынша", "Tayynsha"),
    ("Келлеровка", "Келлеровка", "Kellerovka"),
]


def _primary_names(index: int, village: tuple[str, str, str], number: int | None):
    ru, kk, en = village
    if number:
        return (
            f"ППО с. {ru} №{number}",
            f"{kk} ауылының №{number} БПҰ",
            f"{en} primary No. {number}",
        )
    return f"ППО с. {ru}", f"{kk} ауылының БПҰ", f"{en} primary"


def seed(ctx: dict) -> None:
    party = OrgUnit.objects.filter(kind=OrgKind.PARTY, code=PARTY[3]).first()
    if party is None:
        party = OrgUnit.objects.add_root(
            create_kwargs={
                "kind": OrgKind.PARTY,
                "name": PARTY[0],
                "name_kk": PARTY[1],
                "name_en": PARTY[2],
                "code": PARTY[3],
            }
        )
    region = OrgUnit.objects.filter(kind=OrgKind.REGION, kato=REGION[4]).first()
    if region is None:
        region = OrgUnit.objects.add_child(
            party,
            create_kwargs={
                "kind": OrgKind.REGION,
                "name": REGION[0],
                "name_kk": REGION[1],
                "name_en": REGION[2],
                "code": REGION[3],
                "kato": REGION[4],
            },
        )
    district = OrgUnit.objects.filter(kind=OrgKind.DISTRICT, kato=DISTRICT[4]).first()
    if district is None:
        district = OrgUnit.objects.add_child(
            region,
            create_kwargs={
                "kind": OrgKind.DISTRICT,
                "name": DISTRICT[0],
                "name_kk": DISTRICT[1],
                "name_en": DISTRICT[2],
                "code": DISTRICT[3],
                "kato": DISTRICT[4],
                "address": "с. Талшик, ул. Абая, 1",
            },
        )
    settlements = []
    for index, (ru, kk, en) in enumerate(SETTLEMENTS, start=1):
        settlement, _created = Settlement.objects.get_or_create(
            kato=f"5932{index:02d}100",
            defaults={
                "name": ru,
                "name_kk": kk,
                "name_en": en,
                "district": district,
                "kind": SettlementKind.VILLAGE,
                "rural_district": f"{ru} с.о.",
            },
        )
        settlements.append(settlement)
    primaries = []
    plan = [(0, 1), (0, 2), (0, 3)] + [(i, None) for i in range(1, len(SETTLEMENTS))]
    for index, (village_index, number) in enumerate(plan):
        village = SETTLEMENTS[village_index]
        ru, kk, en = _primary_names(index, village, number)
        primary = OrgUnit.objects.filter(kind=OrgKind.PRIMARY, name=ru).first()
        if primary is None:
            district.refresh_from_db()
            primary = OrgUnit.objects.add_child(
                district,
                create_kwargs={
                    "kind": OrgKind.PRIMARY,
                    "name": ru,
                    "name_kk": kk,
                    "name_en": en,
                    "kato": settlements[village_index].kato,
                    "settlement": settlements[village_index],
                },
            )
        primaries.append(primary)
    ctx.update(
        party=party, region=region, district=district, settlements=settlements, primaries=primaries
    )
    _seed_other_district(ctx, region)


def _seed_other_district(ctx: dict, region: OrgUnit) -> None:
    region.refresh_from_db()
    district = OrgUnit.objects.filter(kind=OrgKind.DISTRICT, kato=OTHER_DISTRICT[4]).first()
    if district is None:
        district = OrgUnit.objects.add_child(
            region,
            create_kwargs={
                "kind": OrgKind.DISTRICT,
                "name": OTHER_DISTRICT[0],
                "name_kk": OTHER_DISTRICT[1],
                "name_en": OTHER_DISTRICT[2],
                "code": OTHER_DISTRICT[3],
                "kato": OTHER_DISTRICT[4],
            },
        )
    primaries = []
    for index, village in enumerate(OTHER_SETTLEMENTS, start=1):
        ru, kk, en = village
        settlement, _created = Settlement.objects.get_or_create(
            kato=f"5956{index:02d}100",
            defaults={
                "name": ru,
                "name_kk": kk,
                "name_en": en,
                "district": district,
                "kind": SettlementKind.VILLAGE,
                "rural_district": f"{ru} с.о.",
            },
        )
        ru, kk, en = _primary_names(index, village, None)
        primary = OrgUnit.objects.filter(kind=OrgKind.PRIMARY, name=ru).first()
        if primary is None:
            district.refresh_from_db()
            primary = OrgUnit.objects.add_child(
                district,
                create_kwargs={
                    "kind": OrgKind.PRIMARY,
                    "name": ru,
                    "name_kk": kk,
                    "name_en": en,
                    "kato": settlement.kato,
                    "settlement": settlement,
                },
            )
        primaries.append(primary)
    ctx.update(other_district=district, other_primaries=primaries)
