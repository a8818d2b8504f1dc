from celery import shared_task

from pervichka.media.services import news_publish_due


@shared_task(name="media.publish_due")
def task_news_publish_due() -> int:
    return news_publish_due()
