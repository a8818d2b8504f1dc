"""Load the demo district (idempotent: a second run adds nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from pervichka.devdata.demo import accounts as accounts_demo
from pervichka.devdata.demo import appeals as appeals_demo
from pervichka.devdata.demo import deputies as deputies_demo
from pervichka.devdata.demo import dues as dues_demo
from pervichka.devdata.demo import greening as greening_demo
from pervichka.devdata.demo import ideas as ideas_demo
from pervichka.devdata.demo import mailings as mailings_demo
from pervichka.devdata.demo import media as media_demo
from pervichka.devdata.demo import orgs as orgs_demo
from pervichka.devdata.demo import outreach as outreach_demo
from pervichka.devdata.demo import people as people_demo
from pervichka.devdata.demo import projects as projects_demo
from pervichka.devdata.demo import promises as promises_demo
from pervichka.devdata.demo import rating as rating_demo
from pervichka.devdata.demo import training as training_demo
from pervichka.devdata.demo import youth as youth_demo


class Command(BaseCommand):
    help = "Create the demo district: AMANAT → North Kazakhstan → Akzhar, its members, logins."

    @transaction.atomic
    def handle(self, *args, **options):
        # The generators bring in thousands of persons through the services as the demo
        # users; the hourly allowance of lookups by IIN is for people at a keyboard.
        with override_settings(PERVICHKA_IIN_LOOKUPS_PER_HOUR=10**9):
            self._seed()

    def _seed(self):
        ctx: dict = {"now": timezone.now()}
        orgs_demo.seed(ctx)
        people_demo.seed(ctx)
        logins = accounts_demo.seed(ctx)
        appeals_demo.seed(ctx)
        dues_demo.seed(ctx)
        youth_demo.seed(ctx)
        projects_demo.seed(ctx)
        greening_demo.seed(ctx)
        ideas_demo.seed(ctx)
        deputies_demo.seed(ctx)
        promises_demo.seed(ctx)
        training_demo.seed(ctx)
        outreach_demo.seed(ctx)
        mailings_demo.seed(ctx)
        media_demo.seed(ctx)
        rating_demo.seed(ctx)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo district ready: Akzhar district, {len(ctx['primaries'])} primaries."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {accounts_demo.DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<10} {description}")
