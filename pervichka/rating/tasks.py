from celery import shared_task

from pervichka.rating.models import RatingRun
from pervichka.rating.services import (
    objections_overdue_remind,
    rating_execute,
    rating_tell_chairs,
    ratings_compute_due,
    run_fail,
)


@shared_task(name="rating.rating_execute", ignore_result=True)
def task_rating_execute(*, run_id: int) -> None:
    """Compute a started version; the run page shows its progress meanwhile."""
    run = RatingRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    try:
        rating_execute(run=run, tell=False)
    except Exception as exc:  # recorded on the run, so the page says it failed
        run_fail(run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    task_rating_tell_chairs.delay(run_id=run.pk)


@shared_task(name="rating.tell_chairs", ignore_result=True)
def task_rating_tell_chairs(*, run_id: int) -> None:
    """The chairs' messages about a computed version: a task of their own, so that the
    computation (and its progress display) does not wait for thousands of messages."""
    run = RatingRun.objects.filter(pk=run_id).first()
    if run is not None:
        rating_tell_chairs(run=run)


@shared_task(name="rating.compute_due", ignore_result=True)
def task_ratings_compute_due() -> None:
    for run in ratings_compute_due(tell=False):
        task_rating_tell_chairs.delay(run_id=run.pk)


@shared_task(name="rating.objections_overdue", ignore_result=True)
def task_objections_overdue() -> None:
    objections_overdue_remind()
