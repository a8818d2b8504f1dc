"""A district's appeal rules and categories, cached for the intake (issue 19, point 2).

Every public submission needs both, and they change only when an administrator edits them:
reading them from the database was two of the submission's round trips. The cached entry
carries the two version counters it was read under (one for all districts, one for the
district, `core.counters`); one `get_many` reads the counters and the entry together, and
an entry whose versions are not the current ones is read afresh. A save or delete of a
category or of the rules bumps the district's counter at once and after the commit
(signals registered in `AppConfig.ready`); writes that send no signals (`bulk_create`, the
scale generator, a flush) bump the counter for all districts. A reader that raced a change
stored its entry under the old versions, which no reader asks for any more.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from pervichka.appeals.models import AppealRules, Category
from pervichka.core.counters import counter_bump, counter_value

ALL_KEY = "appeals:intake:v"
# An entry lives a day at most even if no one changes anything.
TTL = 24 * 3600


def _version_key(district_id: int) -> str:
    return f"appeals:intake:{district_id}:v"


def _entry_key(district_id: int) -> str:
    return f"appeals:intake:{district_id}"


def district_intake(district) -> tuple[AppealRules, dict[str, Category]]:
    """The district's rules (stored or the law's defaults) and its categories by code."""
    keys = (ALL_KEY, _version_key(district.pk), _entry_key(district.pk))
    got = cache.get_many(keys)
    entry = got.get(keys[2])
    versions = (got.get(keys[0]), got.get(keys[1]))
    if entry is not None and None not in versions and entry[0] == versions:
        return entry[1], entry[2]
    versions = (counter_value(keys[0]), counter_value(keys[1]))
    rules = AppealRules.objects.filter(district=district).first()
    if rules is None:
        rules = AppealRules(district_id=district.pk)
    categories = {c.code: c for c in Category.objects.filter(district=district)}
    if categories:  # a district without categories gets them on first use (not cached)
        cache.set(keys[2], (versions, rules, categories), TTL)
    return rules, categories


def district_changed(district_id: int) -> None:
    """The district's rules or categories changed: read afresh now (this transaction sees
    the change) and again once it commits (a reader that read the old rows in between
    cached them under the version bumped now)."""
    key = _version_key(district_id)
    counter_bump(key)
    transaction.on_commit(lambda: counter_bump(key), robust=True)


def all_changed() -> None:
    """Rows were written without signals (bulk writes, the generator): read every district
    afresh."""
    counter_bump(ALL_KEY)


def on_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a Category or AppealRules."""
    district_changed(instance.district_id)
