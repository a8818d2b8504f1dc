from celery import shared_task

from pervichka.youth.services import followups_remind


@shared_task(name="youth.followups_remind", ignore_result=True)
def task_followups_remind() -> None:
    followups_remind()
