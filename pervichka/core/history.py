"""Who changed what: every service saves through these so history names the acting user."""

from typing import Any

from django.db.models import Model


def save_as(obj: Model, actor: Any, *, reason: str = "", **save_kwargs: Any) -> None:
    """Save `obj` so that django-simple-history records `actor` (and why) on this version."""
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    if reason:
        obj._change_reason = reason
    obj.save(**save_kwargs)
