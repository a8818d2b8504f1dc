"""Deputies and the election programme at national scale: six deputies and forty promises
per district, each promise with its updates."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from pervichka.core.tree import district_path
from pervichka.deputies.models import Deputy
from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.promises.enums import PromiseStatus, Theme
from pervichka.promises.models import Promise, PromiseUpdate

DEPUTY_COLUMNS = [
    "id", "person_id", "unit_id", "council", "term", "term_start", "term_end", "constituency",
    "faction", "role_in_faction",
]  # fmt: skip
PROMISE_COLUMNS = [
    "id", "district_id", "number", "programme", "text", "text_kk", "text_en", "theme",
    "settlement_id",
    "responsible_deputy_id", "responsible_body", "due_date", "status", "status_since",
    "is_public", "created_at",
]  # fmt: skip
UPDATE_COLUMNS = [
    "id", "promise_id", "date", "status", "text", "reason", "link", "file", "recorded_by_id",
    "recorded_at",
]  # fmt: skip
STAGES = [
    PromiseStatus.NOT_STARTED, PromiseStatus.IN_PROGRESS, PromiseStatus.IN_PROGRESS,
    PromiseStatus.DONE, PromiseStatus.DONE, PromiseStatus.DONE_LATE, PromiseStatus.PARTLY_DONE,
    PromiseStatus.NOT_DONE,
]  # fmt: skip


def present() -> bool:
    return Promise.objects.exists()


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 8)
    now = timezone.now()
    today = timezone.localdate()
    people_by_district: dict[str, list[int]] = defaultdict(list)
    district_of_primary = {pk: district_path(path) for pk, path, _s in ctx.made["primaries"]}
    for _m, person_id, primary_id, _joined, _cat in ctx.made["memberships"]:
        bucket = people_by_district[district_of_primary[primary_id]]
        if len(bucket) < 6:
            bucket.append(person_id)
    deputy_id, promise_id, update_id = next_id(Deputy), next_id(Promise), next_id(PromiseUpdate)
    deputies, promises, updates = [], [], []
    themes = Theme.values
    for district_id, path in ctx.made["districts"]:
        ids = []
        for n, person_id in enumerate(people_by_district.get(path, []), start=1):
            deputies.append(
                (deputy_id, person_id, district_id, "Районный маслихат", "VIII созыв",
                 dt.date(2023, 3, 29), None, f"Округ №{n}", "AMANAT", "")
            )  # fmt: skip
            ids.append(deputy_id)
            deputy_id += 1
        for number in range(1, 41):
            stage = rng.choice(STAGES)
            start = today - dt.timedelta(days=rng.randrange(100, 700))
            late = stage in (
                PromiseStatus.DONE_LATE,
                PromiseStatus.PARTLY_DONE,
                PromiseStatus.NOT_DONE,
            )
            due = (
                today - dt.timedelta(days=30)
                if late
                else today + dt.timedelta(days=rng.randrange(30, 600))
            )
            since = None
            if stage != PromiseStatus.NOT_STARTED:
                updates.append(
                    (update_id, promise_id, start, PromiseStatus.IN_PROGRESS, "Начаты работы", "",
                     "", "", None, now)
                )  # fmt: skip
                update_id += 1
                since = start
                if stage != PromiseStatus.IN_PROGRESS:
                    end = min(today, due) if stage == PromiseStatus.DONE else today
                    end = max(end, start)
                    updates.append(
                        (update_id, promise_id, end, stage, "Итог", "Причина" if late else "",
                         "", "", None, now)
                    )  # fmt: skip
                    update_id += 1
                    since = end
            promises.append(
                (promise_id, district_id, number, "2021–2026", f"Обещание №{number}", "",
                 f"Promise No. {number}",
                 rng.choice(themes), None, rng.choice(ids) if ids else None, "", due, stage, since,
                 True, now)
            )  # fmt: skip
            promise_id += 1
    progress = Progress("promises", len(deputies) + len(promises) + len(updates), quiet=ctx.quiet)
    copy_rows(Deputy, DEPUTY_COLUMNS, deputies, progress)
    copy_rows(Promise, PROMISE_COLUMNS, promises, progress)
    copy_rows(PromiseUpdate, UPDATE_COLUMNS, updates, progress)
    progress.close()
    for model in (Deputy, Promise, PromiseUpdate):
        reset_sequence(model)
