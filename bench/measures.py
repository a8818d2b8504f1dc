"""One benchmark per function; each runs in its own process (see run.py) so that its peak
memory is its own. Every figure is paired with a floor measured in the same run on the
same data: a hand-written SQL query, PostgreSQL COPY, or a bare Django view.

    python -m bench.measures <name> [--smoke]      prints one JSON object
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

RESULTS: dict = {}


def timed(function, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> tuple[float, float | None]:
    """(this process's CPU seconds, its PostgreSQL backend's, or None when that cannot be
    read: another host, or not PostgreSQL). CPU time, unlike wall time, hardly depends on
    what else runs on the machine: a pair of them compares two sides under any load."""
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            backend = None
    return time.process_time(), backend


def _cpu_since(start: tuple[float, float | None]) -> dict:
    python, backend = cpu_seconds()
    return {
        "python_cpu_s": round(python - start[0], 2),
        "db_cpu_s": None if backend is None or start[1] is None else round(backend - start[1], 2),
    }


def _period():
    from pervichka.core.kpis import Period

    today = timezone.localdate()
    return Period(dt.date(today.year, 1, 1), today)


# --- rating-style aggregation ------------------------------------------------------------

COLLECTION_SQL = """
WITH months AS (
    SELECT m::date AS m, (m + interval '1 month' - interval '1 day')::date AS m_end
    FROM generate_series(date_trunc('month', %(start)s::date), date_trunc('month', %(end)s::date),
                         interval '1 month') AS m
), rates AS (
    SELECT DISTINCT ON (r.district_id, r.category, months.m)
           r.district_id, r.category, months.m, (NOT r.exempt AND r.amount > 0) AS owes
    FROM dues_duesrate r JOIN months ON r.valid_from <= months.m_end
    ORDER BY r.district_id, r.category, months.m, r.valid_from DESC
), owed AS (
    SELECT ms.primary_id, COUNT(*) AS n
    FROM people_membership ms
    JOIN orgs_orgunit p ON p.id = ms.primary_id
    JOIN orgs_orgunit d ON d.path = substr(p.path, 1, length(p.path) - 4)
    JOIN months ON ms.joined <= months.m_end AND (ms."left" IS NULL OR ms."left" >= months.m)
    JOIN rates ON rates.district_id = d.id AND rates.category = ms.dues_category
              AND rates.m = months.m AND rates.owes
    GROUP BY ms.primary_id
), paid AS (
    SELECT primary_id, COUNT(*) AS n FROM dues_paidmonth
    WHERE NOT is_reversed AND month >= date_trunc('month', %(start)s::date)
      AND month <= date_trunc('month', %(end)s::date)
    GROUP BY primary_id
)
SELECT p.id, COALESCE(paid.n, 0)::float8 / NULLIF(owed.n, 0)
FROM orgs_orgunit p
LEFT JOIN owed ON owed.primary_id = p.id LEFT JOIN paid ON paid.primary_id = p.id
WHERE p.kind = 'primary'
"""

ON_TIME_SQL = """
SELECT a.unit_id, COUNT(*) FILTER (
           WHERE (a.answered_at AT TIME ZONE 'Asia/Almaty')::date <= a.due_date)::float8
       / COUNT(*)
FROM appeals_appeal a
WHERE (a.answered_at AT TIME ZONE 'Asia/Almaty')::date BETWEEN %(start)s AND %(end)s
GROUP BY a.unit_id
"""

SURVIVAL_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (c.planting_id) c.planting_id, c.alive
    FROM projects_survivalcheck c
    WHERE c.checked_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.planting_id, c.checked_on DESC, c.id DESC
)
SELECT p.primary_id, SUM(l.alive)::float8 / SUM(p.count)
FROM latest l JOIN projects_planting p ON p.id = l.planting_id
GROUP BY p.primary_id
"""

HOURS_SQL = """
SELECT e.primary_id, SUM(ep.hours)::float8
FROM projects_eventparticipant ep JOIN projects_event e ON e.id = ep.event_id
WHERE e.status = 'held' AND e.date BETWEEN %(start)s AND %(end)s
  AND ep.role IN ('volunteer', 'organizer')
GROUP BY e.primary_id
"""

AGGREGATIONS = (
    ("collection_rate", COLLECTION_SQL),
    ("appeals_answered_on_time", ON_TIME_SQL),
    ("tree_survival_rate", SURVIVAL_SQL),
    ("volunteer_hours", HOURS_SQL),
)


def aggregation(smoke: bool) -> dict:
    from pervichka.core.kpis import compute
    from pervichka.orgs.models import OrgUnit

    period = _period()
    primaries = list(OrgUnit.objects.filter(kind="primary").values_list("pk", flat=True))
    repeat = 3 if smoke else 5
    out = {}
    for name, sql in AGGREGATIONS:

        def floor(sql=sql):
            with connection.cursor() as cursor:
                cursor.execute(sql, {"start": period.start, "end": period.end})
                return dict(cursor.fetchall())

        floor_times, floor_result = timed(floor, repeat)
        ours_times, ours_result = timed(lambda name=name: compute(name, primaries, period), repeat)
        # The floor must compute the same figures, or the comparison means nothing.
        mismatches = [
            pk
            for pk in primaries
            if abs((ours_result.get(pk) or 0.0) - (floor_result.get(pk) or 0.0)) > 1e-9
        ]
        out[name] = {
            "ours_s": statistics.median(ours_times),
            "floor_s": statistics.median(floor_times),
            "units": len(primaries),
            "mismatches": len(mismatches),
        }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


# --- member import -----------------------------------------------------------------------


def _import_rows(count: int, primaries: list[str], seed: int) -> list[list[str]]:
    from pervichka.devdata.fake import fake_person
    from pervichka.people.models import Person

    rng = random.Random(seed)
    existing = set()
    rows, seen = [], set()
    while len(rows) < count:
        fake = fake_person(rng, min_age=21, max_age=80)  # joined 01.03.2024 at 18 or older
        if fake.iin in seen:
            continue
        seen.add(fake.iin)
        rows.append(
            [
                fake.iin,
                fake.surname,
                fake.name,
                fake.patronymic,
                fake.phone,
                rng.choice(primaries),
                "01.03.2024",
            ]
        )
    taken = set(Person.objects.filter(iin__in=[r[0] for r in rows]).values_list("iin", flat=True))
    existing |= taken
    return [r for r in rows if r[0] not in existing]


def member_import(smoke: bool) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pervichka.accounts.models import RoleAssignment, User
    from pervichka.orgs.models import OrgUnit
    from pervichka.people.importing import member_import_check, member_import_confirm
    from pervichka.people.models import Consent, Membership, Person

    count = int(os.environ.get("BENCH_IMPORT_ROWS") or (2_000 if smoke else 100_000))
    district = OrgUnit.objects.filter(kind="district").order_by("pk").first()
    primaries = list(
        OrgUnit.objects.filter(kind="primary", path__startswith=district.path).values_list(
            "name", flat=True
        )
    )
    rows = _import_rows(count, primaries, seed=7)
    header = [
        "ИИН",
        "Фамилия",
        "Имя",
        "Отчество",
        "Телефон",
        "Первичная организация",
        "Дата вступления",
    ]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    content = text.getvalue().encode("utf-8")
    # A district administrator imports into the primaries of the district, as in life.
    actor, _ = User.objects.get_or_create(username="bench-district-importer")
    RoleAssignment.objects.get_or_create(user=actor, role="admin", org_unit=district)
    primary_ids = dict(
        OrgUnit.objects.filter(kind="primary", path__startswith=district.path).values_list(
            "name", "pk"
        )
    )

    # What the import derives for each person (birth date and sex from the IIN, the search
    # key of the full name), computed before the timing: the floor writes the same values.
    from pervichka.core.iin import parse_iin

    derived = [
        (info.birth_date, info.sex, " ".join(p for p in r[1:4] if p).lower())
        for r in rows
        for info in (parse_iin(r[0]),)
    ]

    # The floor: COPY of the same rows into every table the import writes — persons,
    # memberships and the history version of each, and each new member's consent to
    # membership (the import records it; the consent register has no history row for it) —
    # rolled back.
    def copy_floor():
        from pervichka.devdata.scale.base import copy_rows, next_id

        now = timezone.now()

        def with_history(model, rows: list[dict]) -> None:
            copy_rows(model, list(rows[0]), (tuple(r.values()) for r in rows))
            history = model.history.model
            specials = {
                "history_date": now,
                "history_type": "+",
                "history_change_reason": "import",
                "history_user_id": actor.pk,
            }
            columns = [
                f.attname
                for f in history._meta.concrete_fields
                if f.name != "history_id" and (f.attname in rows[0] or f.attname in specials)
            ]
            copy_rows(
                history,
                columns,
                (tuple(r.get(c, specials.get(c)) for c in columns) for r in rows),
            )

        with transaction.atomic():
            person_id, membership_id = next_id(Person), next_id(Membership)
            persons = [
                {
                    "id": person_id + i,
                    "iin": r[0],
                    "surname": r[1],
                    "name": r[2],
                    "patronymic": r[3],
                    "phone": r[4],
                    "unit_id": primary_ids[r[5]],
                    "address": "",
                    "email": "",
                    "search_name": derived[i][2],
                    "sex": derived[i][1],
                    "birth_date": derived[i][0],
                    "consent_at": now,
                    "consent_method": "imported",
                    "created_at": now,
                    "updated_at": now,
                }
                for i, r in enumerate(rows)
            ]
            with_history(Person, persons)
            del persons
            memberships = [
                {
                    "id": membership_id + i,
                    "person_id": person_id + i,
                    "primary_id": primary_ids[r[5]],
                    "joined": dt.date(2024, 3, 1),
                    "status": "active",
                    "dues_category": "working",
                    "leave_reason": "",
                    "created_at": now,
                }
                for i, r in enumerate(rows)
            ]
            with_history(Membership, memberships)
            del memberships
            copy_rows(
                Consent,
                [
                    "person_id",
                    "purpose",
                    "channel",
                    "given_at",
                    "document",
                    "document_ref",
                    "recorded_by_id",
                    "withdrawal_reason",
                    "representative",
                ],
                (
                    (person_id + i, "membership", "imported", now, "", "", actor.pk, "", "")
                    for i in range(len(rows))
                ),
            )
            transaction.set_rollback(True)

    cpu = cpu_seconds()
    floor_times, _ = timed(copy_floor, 1)
    floor_cpu = _cpu_since(cpu)
    rss_before = peak_rss_mb()

    def ours():
        with tempfile.TemporaryDirectory() as media:
            from django.conf import settings

            settings.MEDIA_ROOT = media
            with transaction.atomic():
                job = member_import_check(
                    actor=actor, upload=SimpleUploadedFile("members.csv", content)
                )
                job = member_import_confirm(actor=actor, job=job)
                imported = job.imported_rows
                transaction.set_rollback(True)
            return imported

    cpu = cpu_seconds()
    ours_times, imported = timed(ours, 1)
    ours_cpu = _cpu_since(cpu)
    _vacuum_after_rollbacks()
    return {
        # The CPU seconds of each side, in this process and in its PostgreSQL backend: what
        # the wall-clock ratio would be on a machine running nothing else, less I/O waits.
        "ours_cpu": ours_cpu,
        "floor_cpu": floor_cpu,
        "rows": len(rows),
        "imported": imported,
        "ours_s": ours_times[0],
        "floor_s": floor_times[0],
        "ours_rows_s": len(rows) / ours_times[0],
        "floor_rows_s": len(rows) / floor_times[0],
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def _vacuum_after_rollbacks() -> None:
    """Both sides rolled back 100,000 rows of four tables (and the consents): dead rows that
    the list pages measured next would wade through where autovacuum is off or behind (on
    the bench machine it is off: 1.2 M dead rows a table slowed the district's member list
    from 11 ms to 1.8 s, bench/NOTES.md Stop 24). VACUUM cannot run in a transaction."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) people_person, people_historicalperson, people_membership, "
            "people_historicalmembership, people_consent, people_historicalconsent"
        )


# --- the appeals list --------------------------------------------------------------------

LIST_SQL = """
SELECT a.id, a.number, a.received_at, a.status, a.due_date, c.name, s.name, u.name
FROM appeals_appeal a
JOIN orgs_orgunit u ON u.id = a.unit_id
JOIN appeals_category c ON c.id = a.category_id
LEFT JOIN orgs_settlement s ON s.id = a.settlement_id
WHERE u.path LIKE %(prefix)s AND a.status = %(status)s
  AND (a.search_text LIKE %(word)s OR a.search_key LIKE %(word)s)
ORDER BY a.received_at DESC, a.id DESC
LIMIT 50
"""


def appeals_list(smoke: bool) -> dict:
    from pervichka.accounts.models import RoleAssignment, User
    from pervichka.appeals.selectors import AppealFilters, appeals_list
    from pervichka.core.paginator import CappedPaginator
    from pervichka.devdata.scale.appeals import WORDS
    from pervichka.orgs.models import OrgUnit

    region = OrgUnit.objects.filter(kind="region").order_by("pk").first()
    user, _ = User.objects.get_or_create(username="bench-region-admin")
    RoleAssignment.objects.get_or_create(user=user, role="admin", org_unit=region)
    rng = random.Random(11)
    runs = 10 if smoke else 40
    queries = [
        (rng.choice(["closed", "answered", "in_progress"]), rng.choice(WORDS)) for _ in range(runs)
    ]
    ours_times, floor_times = [], []
    for status, word in queries:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                LIST_SQL, {"prefix": region.path + "%", "status": status, "word": f"%{word}%"}
            )
            floor_rows = cursor.fetchall()
        floor_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        page = CappedPaginator(
            appeals_list(user, AppealFilters(status=status, q=word)), 50
        ).get_page(1)
        ours_rows = [(a.pk, a.number, str(a.category), a.unit_id) for a in page]
        ours_times.append(time.perf_counter() - started)
        assert [r[0] for r in floor_rows] == [r[0] for r in ours_rows], "different pages"
    return {
        "runs": runs,
        "ours_p50": percentile(ours_times, 50),
        "ours_p95": percentile(ours_times, 95),
        "floor_p50": percentile(floor_times, 50),
        "floor_p95": percentile(floor_times, 95),
        "peak_rss_mb": peak_rss_mb(),
    }


# --- the rating of a quarter ------------------------------------------------------------


def rating(smoke: bool) -> dict:
    """A quarter's rating of every district (each district's KPI calls, the arithmetic, the
    Monte Carlo of its ranks and the stored scores, as the background task computes it)
    against the floor of the same indicators' KPI calls once for all primaries; and 1,000
    Monte Carlo draws for 10,000 primaries against the issue's bound of 10 s."""
    from bench.rating_simulate import simulate_seconds
    from pervichka.core.kpis import Period, compute
    from pervichka.orgs.models import OrgUnit
    from pervichka.rating import services
    from pervichka.rating.models import Indicator, RatingRun

    today = timezone.localdate()
    q = (today.month - 1) // 3 - 2  # the quarter before last: closed whatever the day
    start = dt.date(today.year + q // 4, (q % 4) * 3 + 1, 1)
    period = services.period_ensure(kind="quarter", start=start)
    districts = list(OrgUnit.objects.filter(kind="district", is_active=True))
    if smoke:
        districts = districts[:3]
    paths = [d.path for d in districts]
    primaries = [
        pk
        for pk, path in OrgUnit.objects.filter(kind="primary", is_active=True).values_list(
            "pk", "path"
        )
        if any(path.startswith(p) for p in paths)
    ]
    methodologies = {d.pk: services.methodology_for(d) for d in districts}
    kpi_names = sorted(
        set(
            Indicator.objects.filter(
                dimension__methodology__in=set(methodologies.values())
            ).values_list("kpi", flat=True)
        )
    )
    kpi_period = Period(period.start, period.end)

    def floor():
        return {name: compute(name, primaries, kpi_period) for name in kpi_names}

    def ours():
        # As the scheduled task computes a closed period: every district's run, the KPIs
        # fetched once for all their primaries (services.ratings_execute_many).
        runs = []
        for district in districts:
            version = RatingRun.objects.filter(district=district, period=period).count() + 1
            runs.append(
                RatingRun.objects.create(
                    district=district,
                    period=period,
                    methodology=methodologies[district.pk],
                    version=version,
                    reason="bench",
                )
            )
        # The chairs' messages go in a task of their own after the computation (tasks.py).
        done = services.ratings_execute_many(runs, tell=False)
        assert len(done) == len(runs), "a district failed"
        assert RatingRun.objects.filter(pk__in=[r.pk for r in runs], status="failed").count() == 0

    floor_times, _ = timed(floor, 1 if not smoke else 2)
    ours_times, _ = timed(ours, 1)
    mc_primaries, mc_draws = (300, 50) if smoke else (10_000, 1_000)
    _rate_s, simulate_s = simulate_seconds(mc_primaries, mc_draws)
    return {
        "ours_s": statistics.median(ours_times),
        "floor_s": statistics.median(floor_times),
        "districts": len(districts),
        "primaries": len(primaries),
        "indicators": len(kpi_names),
        "mc_s": simulate_s,
        "mc_primaries": mc_primaries,
        "mc_draws": mc_draws,
        "peak_rss_mb": peak_rss_mb(),
    }


# --- a segment of citizens counted live (outreach) --------------------------------------

# The same people as outreach.selectors.segment_people for a segment of pensioners under a
# unit: kept under the unit's subtree, born on or before the pension age's day by sex
# (sex unknown: the later age), written by hand.
SEGMENT_SQL = """
SELECT COUNT(*)
FROM people_person p
JOIN orgs_orgunit u ON u.id = p.unit_id
WHERE u.path LIKE %(prefix)s
  AND p.birth_date IS NOT NULL
  AND ((p.sex = 'F' AND p.birth_date <= %(born_f)s)
       OR (p.sex <> 'F' AND p.birth_date <= %(born_other)s))
"""

# The members of a unit's subtree now (an active membership), by hand.
SEGMENT_MEMBERS_SQL = """
SELECT COUNT(*)
FROM people_person p
JOIN orgs_orgunit u ON u.id = p.unit_id
WHERE u.path LIKE %(prefix)s
  AND EXISTS (SELECT 1 FROM people_membership m
              WHERE m.person_id = p.id AND m.status = 'active')
"""

SEGMENT_GOAL_PEOPLE = 100_000


def segment_count(smoke: bool) -> dict:
    """The live count of a segment of at least 100,000 people (issue 17): the pensioners of
    the smallest unit that has that many (the whole party at national scale, where a region
    has about 14,000; at smoke size the party, whatever its size), as the segment page and
    the API count it (scoped to a national administrator), against the same count by
    hand-written SQL. Beside it, for scale, the pensioners and the members of one region
    (the same pair of functions)."""
    from django.conf import settings

    from pervichka.accounts.models import RoleAssignment, User
    from pervichka.orgs.models import OrgUnit
    from pervichka.outreach.models import Segment
    from pervichka.outreach.selectors import _years_ago, segment_count

    today = timezone.localdate()
    ages = settings.PERVICHKA_PENSION_AGE
    params = {
        "born_f": _years_ago(today, ages["F"]),
        "born_other": _years_ago(today, max(ages.values())),
    }

    def floor_for(unit, sql=SEGMENT_SQL):
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "prefix": unit.path + "%"})
            return cursor.fetchone()[0]

    party = OrgUnit.objects.filter(kind="party").order_by("pk").first()
    regions = list(OrgUnit.objects.filter(kind="region").order_by("pk"))
    sizes = {unit.pk: floor_for(unit) for unit in [party, *regions]}
    big_enough = [u for u in [*regions, party] if sizes[u.pk] >= SEGMENT_GOAL_PEOPLE]
    unit = min(big_enough, key=lambda u: sizes[u.pk]) if big_enough else party
    user, _ = User.objects.get_or_create(username="bench-national-admin")
    RoleAssignment.objects.get_or_create(user=user, role="admin", org_unit=party)
    repeat = 3 if smoke else 7

    def pair(segment_unit, name, defaults, sql):
        segment, _ = Segment.objects.get_or_create(unit=segment_unit, name=name, defaults=defaults)
        floor_times, floor_result = timed(lambda: floor_for(segment_unit, sql), repeat)
        ours_times, ours_result = timed(lambda: segment_count(user, segment, today=today), repeat)
        return {
            "ours_s": statistics.median(ours_times),
            "ours_max_s": max(ours_times),
            "floor_s": statistics.median(floor_times),
            "count": ours_result,
            "mismatches": int(ours_result != floor_result),
        }

    main = pair(unit, "bench: pensioners", {"categories": ["pensioner"]}, SEGMENT_SQL)
    region = regions[0] if regions else party
    region_pensioners = pair(
        region, "bench: pensioners", {"categories": ["pensioner"]}, SEGMENT_SQL
    )
    region_members = pair(region, "bench: members", {"membership": "members"}, SEGMENT_MEMBERS_SQL)
    return {
        **main,
        "unit_kind": unit.kind,
        "goal_people": SEGMENT_GOAL_PEOPLE,
        "region_pensioners": region_pensioners,
        "region_members": region_members,
        "mismatches": main["mismatches"]
        + region_pensioners["mismatches"]
        + region_members["mismatches"],
        "peak_rss_mb": peak_rss_mb(),
    }


MEASURES = {
    "rating": rating,
    "aggregation": aggregation,
    "member_import": member_import,
    "appeals_list": appeals_list,
    "segment_count": segment_count,
}


if __name__ == "__main__":
    name = sys.argv[1]
    smoke = "--smoke" in sys.argv
    result = MEASURES[name](smoke)
    print(json.dumps(result, default=str))
    Path(os.environ.get("BENCH_OUT", "/dev/null")).write_text(json.dumps(result, default=str))
