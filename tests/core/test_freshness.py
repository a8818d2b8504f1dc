"""Cached figures stay until the next write, read in one round trip for several keys."""

import pytest
from django.core.cache import cache

from pervichka.core import freshness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_cached_fresh_many_computes_once_until_a_write_and_only_what_is_stale():
    calls: list[str] = []

    def counted(key: str, value: object):
        def compute():
            calls.append(key)
            return value

        return compute

    entries = {"a": (counted("a", [1, 2]), 60), "b": (counted("b", {"n": 3}), 60)}
    assert freshness.cached_fresh_many(entries) == {"a": [1, 2], "b": {"n": 3}}
    assert freshness.cached_fresh_many(entries) == {"a": [1, 2], "b": {"n": 3}}
    assert calls == ["a", "b"]
    # The same entry that cached_fresh reads: the two share their values.
    assert freshness.cached_fresh("a", counted("a", "other"), 60) == [1, 2]
    assert calls == ["a", "b"]

    cache.delete("b")  # evicted: only that one is computed again
    assert freshness.cached_fresh_many(entries)["b"] == {"n": 3}
    assert calls == ["a", "b", "b"]

    freshness.bump()  # a write: both are stale
    assert freshness.cached_fresh_many(entries) == {"a": [1, 2], "b": {"n": 3}}
    assert calls == ["a", "b", "b", "a", "b"]
