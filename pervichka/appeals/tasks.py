from celery import shared_task

from pervichka.appeals.services import appeals_remind_due


@shared_task(name="appeals.remind_due", ignore_result=True)
def task_appeals_remind_due() -> None:
    appeals_remind_due()
