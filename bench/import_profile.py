"""Python CPU and wall time of the member import's check and confirmation, optionally under
cProfile: the bench's file of N rows (`measures._import_rows`, seed 7), imported by the
district administrator of `measures.member_import` and rolled back.

    DATABASE_URL=... DJANGO_DEBUG=1 python -m bench.import_profile 20000 [out.prof] [--wall]

Prints one line of CPU (`time.process_time`) and wall seconds per step, and the CPU seconds
of the PostgreSQL backend per step when it runs on this machine; with `out.prof` the
profile (CPU timer, or the wall clock with --wall) is written there and its top printed.
"""

from __future__ import annotations

import cProfile
import csv
import io
import pstats
import sys
import tempfile
import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from bench import measures  # sets Django up


def main(argv: list[str]) -> None:
    from pervichka.accounts.models import RoleAssignment, User
    from pervichka.orgs.models import OrgUnit
    from pervichka.people.importing import member_import_check, member_import_confirm

    args = [a for a in argv if not a.startswith("--")]
    count, out = int(args[0]), (args[1] if len(args) > 1 else None)
    district = OrgUnit.objects.filter(kind="district").order_by("pk").first()
    primaries = list(
        OrgUnit.objects.filter(kind="primary", path__startswith=district.path).values_list(
            "name", flat=True
        )
    )
    rows = measures._import_rows(count, primaries, seed=7)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(
        ["ИИН", "Фамилия", "Имя", "Отчество", "Телефон", "Первичная организация", "Дата вступления"]
    )
    writer.writerows(rows)
    content = text.getvalue().encode("utf-8")
    actor, _ = User.objects.get_or_create(username="bench-district-importer")
    RoleAssignment.objects.get_or_create(user=actor, role="admin", org_unit=district)
    profile = None
    if out:
        profile = cProfile.Profile() if "--wall" in argv else cProfile.Profile(time.process_time)
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        with transaction.atomic():
            db0 = measures.cpu_seconds()[1]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            if profile:
                profile.enable()
            job = member_import_check(
                actor=actor, upload=SimpleUploadedFile("members.csv", content)
            )
            cpu1, wall1 = time.process_time(), time.perf_counter()
            db1 = measures.cpu_seconds()[1]
            job = member_import_confirm(actor=actor, job=job)
            if profile:
                profile.disable()
            cpu2, wall2 = time.process_time(), time.perf_counter()
            db2 = measures.cpu_seconds()[1]
            transaction.set_rollback(True)
    print(
        f"rows={len(rows)} imported={job.imported_rows} "
        f"check cpu={cpu1 - cpu0:.2f}s wall={wall1 - wall0:.2f}s "
        f"confirm cpu={cpu2 - cpu1:.2f}s wall={wall2 - wall1:.2f}s"
        + (
            f" database cpu: check {db1 - db0:.2f}s confirm {db2 - db1:.2f}s"
            if db0 is not None
            else ""
        )
    )
    if profile:
        profile.dump_stats(out)
        pstats.Stats(out).sort_stats("tottime").print_stats(35)


if __name__ == "__main__":
    main(sys.argv[1:])
