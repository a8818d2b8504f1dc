"""Reads of the shared tables for operations (metrics), not for a user's pages."""

from __future__ import annotations

from django.db.models import Count

from pervichka.core.models import Notification


def notification_backlog() -> dict[str, int]:
    """Messages not yet sent, by status (waiting, failed): the outbox's backlog."""
    counts = dict.fromkeys((Notification.Status.PENDING, Notification.Status.FAILED), 0)
    rows = (
        Notification.objects.exclude(status=Notification.Status.SENT)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for status, n in rows:
        counts[status] = n
    return {str(k): v for k, v in counts.items()}
