from celery import shared_task

from pervichka.rating.models import RatingRun
from pervichka.rating.services import (
    objections_overdue_remind,
    rating_execute,
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
        rating_execute(run=run)
    except Exception as exc:  # recorded on the run, so the page says it failed
        run_fail(run=run, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="rating.compute_due", ignore_result=True)
def task_ratings_compute_due() -> None:
    ratings_compute_due()


@shared_task(name="rating.objections_overdue", ignore_result=True)
def task_objections_overdue() -> None:
    objections_overdue_remind()
