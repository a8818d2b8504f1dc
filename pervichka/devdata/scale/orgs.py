"""The national tree for the scale generator: one party, regions, districts, primaries, and a
village per primary (settlements hang under the districts)."""

from __future__ import annotations

from django.utils import timezone

from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.orgs.enums import OrgKind, SettlementKind
from pervichka.orgs.models import OrgUnit, Settlement

COLUMNS = [
    "id",
    "path",
    "depth",
    "numchild",
    "name",
    "name_kk",
    "name_en",
    "kind",
    "kato",
    "code",
    "settlement_id",
    "address",
    "is_active",
    "created_at",
]


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def generate(ctx: ScaleContext) -> None:
    now = timezone.now()
    root = OrgUnit.objects.add_root(
        create_kwargs={
            "kind": OrgKind.PARTY,
            "name": "Партия (масштабный тест)",
            "name_kk": "Партия (ауқымды сынақ)",
            "name_en": "Party (scale test)",
            "code": "NAT",
        }
    )
    districts_per_region = _split(ctx.districts, ctx.regions)
    primaries_per_district = _split(ctx.primaries, ctx.districts)
    unit_id = next_id(OrgUnit)
    settlement_id = next_id(Settlement)
    regions, districts, primaries, settlements = [], [], [], []
    district_index = 0
    for r in range(ctx.regions):
        region_path = OrgUnit._get_path(root.path, 2, r + 1)
        regions.append(
            (
                unit_id,
                region_path,
                2,
                districts_per_region[r],
                f"Область {r + 1}",
                f"{r + 1}-облыс",
                f"Region {r + 1}",
                OrgKind.REGION,
                f"{10 + r % 89:02d}0000000",
                f"R{r + 1}",
                None,
                "",
                True,
                now,
            )
        )
        unit_id += 1
        for d in range(districts_per_region[r]):
            district_path = OrgUnit._get_path(region_path, 3, d + 1)
            count = primaries_per_district[district_index]
            district_id = unit_id
            districts.append(
                (
                    unit_id,
                    district_path,
                    3,
                    count,
                    f"Район {district_index + 1}",
                    f"{district_index + 1}-аудан",
                    f"District {district_index + 1}",
                    OrgKind.DISTRICT,
                    "",
                    f"D{district_index + 1:03d}",
                    None,
                    "",
                    True,
                    now,
                )
            )
            unit_id += 1
            for p in range(count):
                settlements.append(
                    (
                        settlement_id,
                        f"{100000000 + settlement_id:09d}",
                        f"Село {settlement_id}",
                        f"{settlement_id} ауылы",
                        f"Village {settlement_id}",
                        SettlementKind.VILLAGE,
                        district_id,
                        "",
                        True,
                    )
                )
                primaries.append(
                    (
                        unit_id,
                        OrgUnit._get_path(district_path, 4, p + 1),
                        4,
                        0,
                        f"ППО {unit_id}",
                        f"{unit_id} БПҰ",
                        f"Primary {unit_id}",
                        OrgKind.PRIMARY,
                        "",
                        "",
                        settlement_id,
                        "",
                        True,
                        now,
                    )
                )
                settlement_id += 1
                unit_id += 1
            district_index += 1
    progress = Progress(
        "org units", len(regions) + len(districts) + len(primaries), quiet=ctx.quiet
    )
    copy_rows(OrgUnit, COLUMNS, regions + districts, progress)
    copy_rows(
        Settlement,
        [
            "id",
            "kato",
            "name",
            "name_kk",
            "name_en",
            "kind",
            "district_id",
            "rural_district",
            "is_active",
        ],
        settlements,
    )
    copy_rows(OrgUnit, COLUMNS, primaries, progress)
    progress.close()
    OrgUnit.objects.filter(pk=root.pk).update(numchild=ctx.regions)
    reset_sequence(OrgUnit)
    reset_sequence(Settlement)
    ctx.made.update(
        root=root,
        districts=[(row[0], row[1]) for row in districts],
        primaries=[(row[0], row[1], row[10]) for row in primaries],  # id, path, settlement
    )
