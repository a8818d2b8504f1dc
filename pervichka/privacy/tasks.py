from celery import shared_task

from pervichka.privacy.services import breaches_remind


@shared_task(name="privacy.breaches_remind", ignore_result=True)
def task_breaches_remind() -> int:
    """Remind the responsible persons of breaches not yet notified to the authorised body."""
    return breaches_remind()
