"""Background work of the outreach app: sending mailings (`outreach.sending`)."""

from celery import shared_task

from pervichka.outreach.enums import MailingStatus
from pervichka.outreach.models import Mailing
from pervichka.outreach.sending import mailing_send, mailing_start, mailings_start_due

# A task sends for at most this long, then the minute's tick picks the mailing up again:
# no task holds a worker for hours, and a paused mailing is noticed between messages.
SEND_BUDGET_SECONDS = 50


@shared_task(name="outreach.mailing_send", ignore_result=True)
def task_mailing_send(*, mailing_id: int) -> str:
    mailing_start(mailing_id=mailing_id)
    return mailing_send(mailing_id=mailing_id, budget_seconds=SEND_BUDGET_SECONDS)


@shared_task(name="outreach.mailings_tick", ignore_result=True)
def task_mailings_tick() -> None:
    """Every minute: start the scheduled mailings whose time has come and go on sending
    those being sent (retries waiting for their time, a worker that died)."""
    mailings_start_due()
    for pk in Mailing.objects.filter(status=MailingStatus.SENDING).values_list("pk", flat=True):
        task_mailing_send.delay(mailing_id=pk)
