from django.core.management.base import BaseCommand

from pervichka.appeals.services import appeals_remind_due


class Command(BaseCommand):
    help = "Remind assignees of appeals whose answer is due within the district's term."

    def handle(self, *args, **options):
        count = appeals_remind_due()
        self.stdout.write(f"{count} reminder(s) queued")
