"""Floors for the HTTP benchmark, served only when PERVICHKA_BENCH=1 (never in production).

`/bench/write`: one durable INSERT and COMMIT and nothing else: the least any request that
must not lose what it was given can cost on this database and disk.
"""

from django.db import connection, transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def durable_write(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_write (at) VALUES (now())")
    return HttpResponse("ok", content_type="text/plain")
