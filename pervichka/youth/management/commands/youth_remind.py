from django.core.management.base import BaseCommand

from pervichka.youth.services import followups_remind


class Command(BaseCommand):
    help = "Email case workers the follow-ups of young people that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"{followups_remind()} reminder(s) queued")
