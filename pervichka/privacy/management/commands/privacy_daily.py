"""What Celery beat runs for personal data, for installations without a broker: retention
(daily) and reminders of breaches not yet notified (hourly is better)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from pervichka.core.subjects import retention_apply
from pervichka.privacy.services import breaches_remind


class Command(BaseCommand):
    help = "Apply retention of personal data and remind of breaches not yet notified."

    def handle(self, *args, **options):
        for name, count in retention_apply(today=timezone.localdate()).items():
            self.stdout.write(f"retention {name}: {count}")
        self.stdout.write(f"breach reminders: {breaches_remind()}")
