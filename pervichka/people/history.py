"""A person's change history as people read it: who, when, and what changed from what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from pervichka.core.iin import mask_iin
from pervichka.people.models import Person

PII_FIELDS = {"iin", "phone", "address", "email", "birth_date"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    action: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _display(record, field_name: str, value, show_pii: bool) -> str:
    if value in (None, ""):
        return "—"
    if field_name in PII_FIELDS and not show_pii:
        return mask_iin(str(value)) if field_name == "iin" else "•••"
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return date_format(localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list):  # a JSON list of choices, e.g. a case's needs
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def history_entries(obj, what: str, *, show_pii: bool) -> list[Entry]:
    """The versions of any object with simple-history, as entries, oldest first."""
    records = obj.history.select_related("history_user").order_by("history_date", "history_id")
    entries: list[Entry] = []
    previous = None
    for record in records:
        action = {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type]
        entry = Entry(
            when=record.history_date,
            who=(record.history_user.get_full_name() or record.history_user.username)
            if record.history_user
            else _("system"),
            what=what,
            action=action,
            reason=record.history_change_reason or "",
        )
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                name = change.field
                label = str(record.instance_type._meta.get_field(name).verbose_name)
                entry.changes.append(
                    Change(
                        field=label,
                        old=_display(record, name, change.old, show_pii),
                        new=_display(record, name, change.new, show_pii),
                    )
                )
        entries.append(entry)
        previous = record
    return entries


def person_history(user, person: Person, *, show_pii: bool) -> list[Entry]:
    """Versions of the person and of their memberships, newest first."""
    entries = history_entries(person, _("Person"), show_pii=show_pii)
    for membership in person.memberships.select_related("primary"):
        entries += history_entries(
            membership,
            _("Membership in %(primary)s") % {"primary": membership.primary},
            show_pii=show_pii,
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
