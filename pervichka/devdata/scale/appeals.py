"""A million appeals over the districts: categories and rules per district, appeals in every
state of the last year with their events, registration counters — written with COPY."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from pervichka.appeals.district_cache import all_changed
from pervichka.appeals.enums import DEFAULT_CATEGORIES
from pervichka.appeals.models import (
    Appeal,
    AppealEvent,
    AppealRules,
    Category,
    RegistrationCounter,
)
from pervichka.appeals.numbering import registration_number, tracking_code
from pervichka.appeals.searching import fill_all_search_keys
from pervichka.core.calendar import WorkCalendar
from pervichka.core.tree import district_path
from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.orgs.models import OrgUnit

WORDS = [
    "вода",
    "дорога",
    "свет",
    "отопление",
    "школа",
    "больница",
    "автобус",
    "земля",
    "работа",
    "пенсия",
    "уголь",
    "мост",
    "крыша",
    "колонка",
    "фельдшер",
    "садик",
    "интернет",
    "скот",
    "пастбище",
    "субсидия",
    "ремонт",
    "освещение",
    "мусор",
    "собаки",
]
STATES = [
    ("closed", 50),
    ("answered", 15),
    ("in_progress", 10),
    ("assigned", 8),
    ("registered", 7),
    ("redirected", 4),
    ("reopened", 3),
    ("returned", 3),
]

APPEAL_COLUMNS = [
    "id",
    "number",
    "tracking_code",
    "district_id",
    "unit_id",
    "channel",
    "reception_office_id",
    "field_reception_id",
    "person_id",
    "contact_phone",
    "contact_email",
    "language",
    "category_id",
    "settlement_id",
    "text",
    "search_text",
    "search_key",
    "search_phone",
    "received_at",
    "due_date",
    "original_due_date",
    "redirect_due_date",
    "status",
    "assigned_person_id",
    "assigned_user_id",
    "extended_until",
    "redirected_to",
    "answer_text",
    "outcome",
    "answered_at",
    "answer_published",
    "closed_at",
    "satisfaction",
    "satisfaction_source",
    "repeat_of_id",
    "idempotency_key",
    "created_by_id",
    "created_at",
    "updated_at",
]


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 3)
    now = timezone.now()
    calendar = WorkCalendar()
    districts = ctx.made["districts"]
    # Numbers carry the district's short code, as the services write them.
    district_codes = dict(
        OrgUnit.objects.filter(pk__in=[pk for pk, _path in districts]).values_list("pk", "code")
    )
    primaries_by_district: dict[str, list] = defaultdict(list)
    for primary_id, path, settlement_id in ctx.made["primaries"]:
        primaries_by_district[district_path(path)].append((primary_id, settlement_id))
    category_id, rules_id = next_id(Category), next_id(AppealRules)
    categories, rules, category_ids = [], [], {}
    for district_id, _path in districts:
        rules.append((rules_id, district_id, 15, 2, 3, 3, 2, 90, 30))
        rules_id += 1
        ids = []
        for order, (code, ru, kk, en) in enumerate(DEFAULT_CATEGORIES):
            categories.append((category_id, district_id, code, order, True, ru, kk, en))
            ids.append(category_id)
            category_id += 1
        category_ids[district_id] = ids
    copy_rows(
        AppealRules,
        [
            "id",
            "district_id",
            "answer_working_days",
            "extension_max_months",
            "extension_notice_working_days",
            "redirect_working_days",
            "reminder_working_days",
            "repeat_window_days",
            "reopen_window_days",
        ],
        rules,
    )
    copy_rows(
        Category,
        ["id", "district_id", "code", "order", "is_active", "name", "name_kk", "name_en"],
        categories,
    )
    first_person, last_person = ctx.made["persons"]
    states = [s for s, weight in STATES for _ in range(weight)]
    appeal_id, event_id = next_id(Appeal), next_id(AppealEvent)
    counters: dict[tuple[int, int], int] = defaultdict(int)
    codes: set[str] = set()
    events = []
    due_cache: dict[tuple[dt.date, int], dt.date] = {}

    def due(day: dt.date, days: int) -> dt.date:
        key = (day, days)
        if key not in due_cache:
            due_cache[key] = calendar.add_working_days(day, days)
        return due_cache[key]

    progress = Progress("appeals", ctx.appeals, quiet=ctx.quiet)

    def appeals():
        nonlocal appeal_id, event_id
        for index in range(ctx.appeals):
            district_id, district_at = districts[index % len(districts)]
            primaries = primaries_by_district[district_at]
            received_at = now - dt.timedelta(minutes=rng.randrange(60, 365 * 24 * 60))
            received = timezone.localtime(received_at).date()
            counters[(district_id, received.year)] += 1
            number = registration_number(
                code=district_codes[district_id],
                district_id=district_id,
                year=received.year,
                sequence=counters[(district_id, received.year)],
            )
            code = tracking_code(rng.choice)
            while code in codes:
                code = tracking_code(rng.choice)
            codes.add(code)
            status = (
                rng.choice(states)
                if (now - received_at).days > 20
                else rng.choice(["registered", "assigned", "in_progress"])
            )
            primary_id, settlement_id = rng.choice(primaries)
            unit_id = primary_id if status != "registered" and rng.random() < 0.7 else district_id
            text = " ".join(rng.sample(WORDS, 4)).capitalize() + ": просим помочь."
            first_due = due(received, 15)
            answered = status in ("answered", "closed", "reopened", "returned")
            answered_at = (
                received_at + dt.timedelta(days=rng.randrange(2, 25)) if answered else None
            )
            yield (
                appeal_id,
                number,
                code,
                district_id,
                unit_id,
                "walk_in",
                None,
                None,
                rng.randrange(first_person, last_person + 1),
                "+77011234567",
                "",
                "ru",
                rng.choice(category_ids[district_id]),
                settlement_id,
                text,
                f"{number} {text}".lower(),
                number.lower(),  # the citizen's name and phones: fill_all_search_keys below
                "",
                received_at,
                first_due,
                first_due,
                due(received, 3),
                status,
                None,
                None,
                None,
                "Акимат района" if status == "redirected" else "",
                "Ответ дан." if answered else "",
                "solved" if answered else "",
                answered_at,
                answered,
                answered_at + dt.timedelta(days=3) if status == "closed" else None,
                "",
                "",
                None,
                None,
                None,
                received_at,
                now,
            )
            events.append(
                (
                    event_id,
                    appeal_id,
                    "register",
                    "",
                    "registered",
                    None,
                    False,
                    received_at,
                    "",
                    "{}",
                )
            )
            event_id += 1
            if unit_id != district_id:
                events.append(
                    (
                        event_id,
                        appeal_id,
                        "assign",
                        "registered",
                        "assigned",
                        None,
                        False,
                        received_at + dt.timedelta(hours=5),
                        "",
                        "{}",
                    )
                )
                event_id += 1
            if answered:
                events.append(
                    (
                        event_id,
                        appeal_id,
                        "answer",
                        "in_progress",
                        "answered",
                        None,
                        False,
                        answered_at,
                        "",
                        "{}",
                    )
                )
                event_id += 1
            appeal_id += 1

    copy_rows(Appeal, APPEAL_COLUMNS, appeals(), progress)
    progress.close()
    fill_all_search_keys()
    progress = Progress("appeal events", len(events), quiet=ctx.quiet)
    copy_rows(
        AppealEvent,
        [
            "id",
            "appeal_id",
            "action",
            "from_status",
            "to_status",
            "actor_id",
            "by_citizen",
            "at",
            "reason",
            "details",
        ],
        events,
        progress,
    )
    progress.close()
    counter_id = next_id(RegistrationCounter)
    copy_rows(
        RegistrationCounter,
        ["id", "unit_id", "year", "last"],
        (
            (counter_id + i, unit, year, last)
            for i, ((unit, year), last) in enumerate(counters.items())
        ),
    )
    for model in (AppealRules, Category, Appeal, AppealEvent, RegistrationCounter):
        reset_sequence(model)
    all_changed()  # COPY sends no signals: the intake's cached rules and categories are stale
