"""ТазаLike in the demo district: one to three plantings at each held ТазаLike event, with a
check of how many are alive three months later and, for the older ones, after the winter."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.devdata.demo.projects import place_near
from pervichka.greening import services
from pervichka.greening.models import Planting
from pervichka.projects.enums import TAZALIKE, EventStatus
from pervichka.projects.models import Event, Project

SPECIES = [
    ("берёза", "street"),
    ("вяз", "roadside"),
    ("тополь", "shelter_belt"),
    ("клён", "school"),
    ("сирень", "yard"),
    ("яблоня", "yard"),
    ("сосна", "school"),
]


def seed(ctx: dict) -> None:
    if Planting.objects.filter(primary__in=ctx["primaries"]).exists():
        return
    rng = random.Random(7008)
    project = Project.objects.get(code=TAZALIKE)
    events = Event.objects.filter(
        project=project, primary__in=ctx["primaries"], status=EventStatus.HELD
    ).select_related("primary", "settlement")
    _plantings(project, events.order_by("pk"), ctx["users"]["admin"], rng, timezone.localdate())


def _plantings(project, events, admin, rng: random.Random, today: dt.date) -> None:
    for event in events:
        for _ in range(rng.randrange(1, 4)):
            species, site = rng.choice(SPECIES)
            lat, lon = place_near(event.settlement, rng)
            planting = services.planting_create(
                actor=admin,
                project=project,
                primary=event.primary,
                data=services.PlantingData(
                    planted_on=event.date,
                    settlement=event.settlement,
                    species=species,
                    count=rng.choice([10, 15, 20, 25, 30, 40, 50, 80]),
                    site_kind=site,
                    planted_by=rng.choice(
                        ["волонтёры первички", "школьники и учителя", "жители улицы"]
                    ),
                    latitude=lat,
                    longitude=lon,
                    event=event,
                ),
            )
            # A check about three months later, and one after the winter for older ones.
            for months in (3, 12):
                day = planting.planted_on + dt.timedelta(days=30 * months)
                if day <= today:
                    share = rng.choice([0.35, 0.6, 0.75, 0.85, 0.9, 0.95, 1.0])
                    services.survival_check_add(
                        actor=admin,
                        planting=planting,
                        checked_on=day,
                        alive=int(planting.count * share),
                        note="пересчитали после зимы" if months == 12 else "",
                    )
