from celery import shared_task
from django.utils import timezone

from pervichka.core.models import Notification
from pervichka.core.outbox import notification_send, notifications_claimable
from pervichka.core.subjects import retention_apply


@shared_task(name="core.notification_send", autoretry_for=(), ignore_result=True)
def task_notification_send(*, notification_id: int) -> None:
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is not None:
        notification_send(notification=notification)


@shared_task(name="core.notifications_retry", ignore_result=True)
def task_notifications_retry() -> None:
    """Send again what failed (a gateway that was down) or what a worker claimed and never
    finished (it died mid-send), at most five attempts each."""
    for notification in Notification.objects.filter(
        notifications_claimable(), attempts__lt=5
    ).order_by("created_at")[:500]:
        notification_send(notification=notification)


@shared_task(name="core.retention_apply", ignore_result=True)
def task_retention_apply() -> dict[str, int]:
    """Every app's retention (core.subjects): what has outlived its term is anonymised or
    removed. Idempotent: what is already anonymised is not touched again."""
    return retention_apply(today=timezone.localdate())
