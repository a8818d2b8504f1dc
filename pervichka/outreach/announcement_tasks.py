"""The periodic task that announces field receptions (outreach/announcements.py); loaded by
OutreachConfig.ready so that it stays apart from the mailings' tasks."""

from celery import shared_task

from pervichka.outreach import announcements


@shared_task(name="outreach.receptions_announce", acks_late=True)
def task_announcements_run() -> dict[str, int]:
    return announcements.announcements_run()
