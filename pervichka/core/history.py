"""Who changed what: every service saves through these so history names the acting user."""

from typing import Any

from django.db.models import Model


def save_as(obj: Model, actor: Any, *, reason: str = "", **save_kwargs: Any) -> None:
    """Save `obj` so that django-simple-history records `actor` (and why) on this version."""
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    if reason:
        obj._change_reason = reason
    obj.save(**save_kwargs)


def cache_history_manager_classes() -> None:
    """django-simple-history builds a new manager class (`from_queryset`, which inspects
    every method of the queryset) on every read of `instance.history`, and it reads it for
    every version it records: about a millisecond of CPU per saved row, the largest single
    cost of a public submission's Python after the ORM. The class depends only on the
    descriptor, so it is built once per model; each read still gets its own manager."""
    from simple_history.manager import HistoryDescriptor

    if getattr(HistoryDescriptor, "_pervichka_cached", False):
        return

    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("_pervichka_manager_class")
        if manager_class is None:
            manager_class = self.manager_class.from_queryset(self.queryset_class)
            self._pervichka_manager_class = manager_class
        return manager_class(self.model, instance)

    HistoryDescriptor.__get__ = __get__
    HistoryDescriptor._pervichka_cached = True
