from django.core.management.base import BaseCommand

from pervichka.training.services import remind_sessions


class Command(BaseCommand):
    help = "SMS those enrolled about the School's sessions in the next 24 hours (once each)."

    def handle(self, *args, **options):
        self.stdout.write(f"{remind_sessions()} reminder(s) queued")
