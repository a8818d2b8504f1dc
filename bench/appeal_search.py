"""What the operator's search costs at national scale (issue 14, point 5): a page of 50 of
the appeals list for a region's administrator, searched by what citizens tell staff —
surname, "name surname", a phone in two formats, its last digits, a tracking code, a
registration number — with the plan PostgreSQL chooses for each.

    DATABASE_URL=postgres://…/pervichka_bench python -m bench.appeal_search

Prints one line per query (p50 and p95 of RUNS=15 runs, ms) and the plan's index use.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402

from pervichka.accounts.models import RoleAssignment, User  # noqa: E402
from pervichka.appeals.models import Appeal  # noqa: E402
from pervichka.appeals.searching import national_digits  # noqa: E402
from pervichka.appeals.selectors import AppealFilters, appeals_list  # noqa: E402
from pervichka.core.paginator import CappedPaginator  # noqa: E402
from pervichka.orgs.models import OrgUnit  # noqa: E402

RUNS = int(os.environ.get("RUNS", "15"))


def main() -> None:
    region = OrgUnit.objects.filter(kind="region").order_by("pk").first()
    user, _ = User.objects.get_or_create(username="bench-region-admin")
    RoleAssignment.objects.get_or_create(user=user, role="admin", org_unit=region)
    sample = (
        Appeal.objects.filter(unit__path__startswith=region.path)
        .select_related("person")
        .order_by("pk")[5000]
    )
    person = sample.person
    # The generator gives every appeal the same contact phone: search by the citizen's own.
    national = national_digits(person.phone) or "7011234567"
    spaced = " ".join([national[:3], national[3:6], national[6:8], national[8:]])
    queries = {
        "surname": person.surname,
        "name surname": f"{person.name} {person.surname}",
        "phone +7 7xx xxx xx xx": f"+7 {spaced}",
        "phone 8(7xx)xxxxxxx": f"8({national[:3]}){national[3:]}",
        "phone, last 4 digits": national[-4:],
        "tracking code": sample.tracking_code_display,
        "registration number": sample.number,
        "text word": "отопление",
    }
    print(f"appeals: {Appeal.objects.count():,}; region admin of {region}")
    for label, q in queries.items():
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            page = CappedPaginator(appeals_list(user, AppealFilters(q=q)), 50).get_page(1)
            rows = list(page)
            times.append((time.perf_counter() - started) * 1000)
        queryset = appeals_list(user, AppealFilters(q=q))[:50]
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        indexes = sorted({line.split(" on ")[1].split()[0] for line in plan.splitlines()
                          if "Index" in line and " on " in line})  # fmt: skip
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"{label:24} {q!r:32} matches on page: {len(rows):3}  "
            f"p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  indexes: {indexes}"
        )
        if os.environ.get("PLANS"):
            print(plan)


if __name__ == "__main__":
    main()
