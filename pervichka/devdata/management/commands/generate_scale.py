"""Fill a PostgreSQL database with national-scale generated data (COPY, no ORM per row).

    python manage.py generate_scale                  # 20 regions … 1,000,000 members/appeals
    python manage.py generate_scale --smoke          # a few thousand rows, for CI
    python manage.py generate_scale --members 100000 --appeals 100000

Every app that has data adds its part (orgs, people, dues, appeals, youth, projects,
greening, ideas, promises, training); all people are generated, with valid IINs.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pervichka.devdata.scale import appeals as appeals_scale
from pervichka.devdata.scale import dues as dues_scale
from pervichka.devdata.scale import greening as greening_scale
from pervichka.devdata.scale import ideas as ideas_scale
from pervichka.devdata.scale import orgs as orgs_scale
from pervichka.devdata.scale import people as people_scale
from pervichka.devdata.scale import projects as projects_scale
from pervichka.devdata.scale import promises as promises_scale
from pervichka.devdata.scale import training as training_scale
from pervichka.devdata.scale import youth as youth_scale
from pervichka.devdata.scale.base import ScaleContext, context_from_database

FULL = {
    "regions": 20,
    "districts": 200,
    "primaries": 10_000,
    "members": 1_000_000,
    "appeals": 1_000_000,
    "months": 12,
}
SMOKE = {
    "regions": 2,
    "districts": 4,
    "primaries": 40,
    "members": 4_000,
    "appeals": 4_000,
    "months": 12,
}
STEPS = [
    ("org tree", orgs_scale),
    ("members", people_scale),
    ("dues", dues_scale),
    ("appeals", appeals_scale),
    ("youth", youth_scale),
    ("projects", projects_scale),
    ("plantings", greening_scale),
    ("ideas contest", ideas_scale),
    ("deputies and promises", promises_scale),
    ("training", training_scale),
]


class Command(BaseCommand):
    help = "Generate national-scale data into PostgreSQL (sizes as options; --smoke for CI)."

    def add_arguments(self, parser):
        parser.add_argument("--smoke", action="store_true", help="CI size")
        for name, value in FULL.items():
            parser.add_argument(f"--{name}", type=int, default=None, help=f"default {value:,}")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--quiet", action="store_true", help="no progress bars")
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only the parts of apps added since the database was generated",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale writes with PostgreSQL COPY: set DATABASE_URL.")
        sizes = dict(SMOKE if options["smoke"] else FULL)
        for name in FULL:
            if options[name] is not None:
                sizes[name] = options[name]
        if sizes["districts"] < sizes["regions"] or sizes["primaries"] < sizes["districts"]:
            raise CommandError("Need at least one district per region, one primary per district.")
        ctx = ScaleContext(seed=options["seed"], quiet=options["quiet"], **sizes)
        started = time.monotonic()
        steps = STEPS
        if options["missing"]:
            # An app that can tell it has no data yet (`present()`) gets its part; the ids the
            # earlier steps would have passed along are read back from the database.
            steps = [(label, m) for label, m in STEPS if not getattr(m, "present", lambda: True)()]
            if steps:
                ctx.made.update(context_from_database())
        for label, module in steps:
            step = time.monotonic()
            with transaction.atomic():
                module.generate(ctx)
            self.stdout.write(f"{label}: {time.monotonic() - step:.1f}s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated in {time.monotonic() - started:.0f}s: "
                + ", ".join(f"{k}={v:,}" for k, v in sizes.items())
                + f", payments={ctx.made.get('payments', 0):,}"
                + f", paid months={ctx.made.get('paid_months', 0):,}"
            )
        )
