from celery import shared_task

from pervichka.training.services import remind_sessions


@shared_task(name="training.remind_sessions")
def task_remind_sessions() -> int:
    return remind_sessions()
