from celery import shared_task


@shared_task(name="training.remind_sessions")
def task_remind_sessions() -> int:
    from pervichka.training.services import remind_sessions

    return remind_sessions()
