"""Which database a read goes to (core.dbrouter): a client that has just written is pinned to
the primary for a while, also on the pages that read the replica; a forged or stale pin
changes nothing but its own reads. The replica itself (stopped, lagging) is tested against the
running cluster in tests/cluster/test_faults.py."""

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from pervichka.core import dbrouter
from pervichka.core.dbrouter import (
    PIN_COOKIE,
    PinAfterWriteMiddleware,
    pin_seconds,
    pinned_to_primary,
)
from pervichka.site import public_urls
from pervichka.site.public_urls import ON_REPLICA

# The `with_replica` fixture adds an alias to DATABASES, which Django warns about.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    # Only the router's configuration is read here: no query goes to this alias.
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def _through_middleware(method: str, status: int = 200) -> HttpResponse:
    request = getattr(RequestFactory(), method.lower())("/x/")
    return PinAfterWriteMiddleware(lambda r: HttpResponse(status=status))(request)


def test_a_successful_write_pins_the_client_to_the_primary(with_replica, settings):
    settings.PERVICHKA_REPLICA_MAX_LAG = 30
    response = _through_middleware("POST")
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == pin_seconds() == 36
    assert cookie["httponly"]
    request = RequestFactory().get("/portal/")
    request.COOKIES[PIN_COOKIE] = cookie.value
    assert pinned_to_primary(request)


def test_reads_and_failed_writes_pin_nothing(with_replica):
    assert PIN_COOKIE not in _through_middleware("GET").cookies
    assert PIN_COOKIE not in _through_middleware("POST", status=400).cookies


def test_without_a_replica_nothing_is_pinned():
    assert PIN_COOKIE not in _through_middleware("POST").cookies


# Offsets from now (seconds) or raw text: the parameters must be the same in every xdist
# worker, so the times are computed in the test.
@pytest.mark.parametrize("value", ["", "soon", "nan", "1e308", "-1", -1.0, 10_000.0])
def test_a_stale_forged_or_hostile_pin_is_ignored(value):
    request = RequestFactory().get("/portal/")
    request.COOKIES[PIN_COOKIE] = str(time.time() + value) if isinstance(value, float) else value
    assert not pinned_to_primary(request)


def test_the_portal_pages_on_the_replica_exist_and_the_forms_are_not_among_them():
    names = {p.name for p in public_urls.urlpatterns}
    assert names >= ON_REPLICA
    assert not {"submit", "track", "track_code", "idea_submit", "idea_vote"} & ON_REPLICA
    assert resolve(reverse("public:promises")).func.__wrapped__


def test_the_read_on_replica_helper_without_a_replica_reads_the_primary(db):
    assert not dbrouter.replica_configured()
    assert dbrouter.read_on_replica(lambda: 42) == 42


def test_cached_figures_without_a_replica_are_computed_on_the_primary(db):
    assert dbrouter.replica_has_replayed_primary() is False
    assert dbrouter.read_current(lambda: 7) == 7
