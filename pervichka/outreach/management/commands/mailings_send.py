"""Send mailings in the foreground: what the Celery task does, for the embedded default
(no broker) and for operators. Starts the scheduled mailings whose time has come, then
sends every mailing being sent until it is finished (or `--mailing` only that one)."""

import time

from django.core.management.base import BaseCommand

from pervichka.outreach.enums import MailingStatus
from pervichka.outreach.models import Mailing
from pervichka.outreach.sending import mailing_send, mailings_start_due


class Command(BaseCommand):
    help = "Start the mailings whose time has come and send them to the end."

    def add_arguments(self, parser):
        parser.add_argument("--mailing", type=int, help="only this mailing")
        parser.add_argument(
            "--timeout", type=float, default=3600.0, help="give up after this many seconds"
        )

    def handle(self, *args, mailing=None, timeout=3600.0, **options):
        deadline = time.monotonic() + timeout
        mailings_start_due()
        ids = (
            [mailing]
            if mailing
            else list(
                Mailing.objects.filter(status=MailingStatus.SENDING).values_list("pk", flat=True)
            )
        )
        for pk in ids:
            left = max(deadline - time.monotonic(), 0.0)
            status = mailing_send(mailing_id=pk, budget_seconds=left)
            self.stdout.write(f"mailing {pk}: {status}")
