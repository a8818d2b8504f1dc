"""Floors for the HTTP benchmark, served only when PERVICHKA_BENCH=1 (never in production).

`/bench/write`: one durable INSERT and COMMIT and nothing else.

`/bench/submit-floor?template=CODE`: what a public appeal submission writes, and only that,
as raw SQL in one transaction from a bare view: the person and its history version, the
district's registration counter, the appeal and its history version, its first event and the
citizen's notification; for a citizen new to the registry also the consent to the appeals
purpose and its history version. The rows are copies of the rows that one real submission wrote
(the appeal with tracking code CODE), with the unique columns made fresh: the same tables,
the same indexes, the same commit. It reads nothing per request and checks nothing: the
least any submission that stores what the real one stores can cost on this database and disk.

`/bench/list-floor/NAME`: the main query of a list page (its SQL taken from the page's own
selector by the benchmark, in the file named by BENCH_LIST_SQL) run as raw SQL, its rows
rendered as a bare HTML table: the query plus a bare view's overhead.
"""

from __future__ import annotations

import json
import os
import secrets
from functools import cache

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def durable_write(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_write (at) VALUES (now())")
    return HttpResponse("ok", content_type="text/plain")


def _row(cursor, sql: str, params: list) -> dict:
    cursor.execute(sql, params)
    names = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise LookupError(sql)
    return dict(zip(names, row, strict=True))


@cache
def _templates(code: str) -> dict[str, dict]:
    """The rows one real submission wrote, read once per process."""
    with connection.cursor() as c:
        appeal = _row(c, "SELECT * FROM appeals_appeal WHERE tracking_code = %s", [code])
        return {
            "appeal": appeal,
            "person": _row(c, "SELECT * FROM people_person WHERE id = %s", [appeal["person_id"]]),
            "hperson": _row(
                c,
                "SELECT * FROM people_historicalperson WHERE id = %s "
                "ORDER BY history_id DESC LIMIT 1",
                [appeal["person_id"]],
            ),
            # The citizen's consent to the appeals purpose, which a new person's submission
            # records in the consent register (and its history version).
            "consent": _row(
                c,
                "SELECT * FROM people_consent WHERE person_id = %s ORDER BY id LIMIT 1",
                [appeal["person_id"]],
            ),
            "hconsent": _row(
                c,
                "SELECT * FROM people_historicalconsent WHERE person_id = %s "
                "ORDER BY history_id LIMIT 1",
                [appeal["person_id"]],
            ),
            "happeal": _row(
                c,
                "SELECT * FROM appeals_historicalappeal WHERE id = %s "
                "ORDER BY history_id DESC LIMIT 1",
                [appeal["id"]],
            ),
            "event": _row(
                c,
                "SELECT * FROM appeals_appealevent WHERE appeal_id = %s ORDER BY id LIMIT 1",
                [appeal["id"]],
            ),
            "notification": _row(
                c,
                "SELECT * FROM core_notification WHERE ref = %s ORDER BY id LIMIT 1",
                [f"appeal:{appeal['id']}"],
            ),
        }


def _insert(cursor, table: str, template: dict, skip: str, **values) -> int:
    row = {k: v for k, v in template.items() if k != skip}
    row.update(values)
    columns = list(row)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    cursor.execute(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks}) RETURNING "{skip}"',
        [_adapt(row[c]) for c in columns],
    )
    return cursor.fetchone()[0]


def _adapt(value):
    # jsonb columns come back as Python objects; send them back as JSON text.
    return json.dumps(value) if isinstance(value, dict | list) else value


@csrf_exempt
def submit_floor(request):
    t = _templates(request.GET["template"])
    json.loads(request.body or b"{}")  # the real view parses its body too
    now = timezone.now()
    fresh = secrets.token_hex(6).upper()
    with transaction.atomic(), connection.cursor() as c:
        person_id = _insert(
            c,
            "people_person",
            t["person"],
            "id",
            iin=None,
            surname=f"Floor{fresh}",
            created_at=now,
            updated_at=now,
        )
        _insert(
            c,
            "people_historicalperson",
            t["hperson"],
            "history_id",
            id=person_id,
            surname=f"Floor{fresh}",
            history_date=now,
        )
        consent_id = _insert(
            c, "people_consent", t["consent"], "id", person_id=person_id, given_at=now
        )
        _insert(
            c,
            "people_historicalconsent",
            t["hconsent"],
            "history_id",
            id=consent_id,
            person_id=person_id,
            history_date=now,
        )
        c.execute(
            'UPDATE appeals_registrationcounter SET "last" = "last" + 1 '
            'WHERE unit_id = %s AND year = %s RETURNING "last"',
            [t["appeal"]["district_id"], now.year],
        )
        last = (c.fetchone() or [0])[0]
        number = f"F-{fresh}-{last}"
        appeal_id = _insert(
            c,
            "appeals_appeal",
            t["appeal"],
            "id",
            number=number,
            tracking_code=fresh,
            idempotency_key=f"floor-{fresh}",
            person_id=person_id,
            received_at=now,
        )
        _insert(
            c,
            "appeals_historicalappeal",
            t["happeal"],
            "history_id",
            id=appeal_id,
            number=number,
            tracking_code=fresh,
            person_id=person_id,
            history_date=now,
            **({"idempotency_key": f"floor-{fresh}"} if "idempotency_key" in t["happeal"] else {}),
        )
        _insert(c, "appeals_appealevent", t["event"], "id", appeal_id=appeal_id, at=now)
        _insert(
            c,
            "core_notification",
            t["notification"],
            "id",
            ref=f"appeal:{appeal_id}",
            dedupe_key=None,
            created_at=now,
        )
    return JsonResponse({"number": number, "tracking_code": fresh}, status=201)


@cache
def _list_queries() -> dict[str, list]:
    with open(os.environ["BENCH_LIST_SQL"], encoding="utf-8") as fh:
        return json.load(fh)


def list_floor(request, name: str):
    """With `?logged_in=1` the floor first loads the session's user (as every staff page
    must, before its query): the query plus a logged-in bare view's overhead, to show how
    much of a page's distance from the floor is the login alone (bench/NOTES.md, Stop 24)."""
    if request.GET.get("logged_in") and not request.user.is_authenticated:
        return HttpResponse(status=404)
    sql, params = _list_queries()[name]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return HttpResponse(f"<!doctype html><table>{cells}</table>")
