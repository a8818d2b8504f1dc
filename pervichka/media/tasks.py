from celery import shared_task

from pervichka.media.rates import task_rates_fetch
from pervichka.media.services import news_publish_due

# The Telegram tasks live beside the code that enqueues them (media.telegram), which the
# services cannot import the other way round; imported here so autodiscovery finds them.
from pervichka.media.telegram import task_telegram_retry, task_telegram_send

__all__ = ["task_news_publish_due", "task_rates_fetch", "task_telegram_retry", "task_telegram_send"]


@shared_task(name="media.publish_due")
def task_news_publish_due() -> int:
    return news_publish_due()
