"""Settings safe on a laptop and dangerous in production are caught at startup."""

import subprocess
import sys
from pathlib import Path

import pytest

from pervichka.core.checks import rate_limits_use_a_shared_cache, sms_backend_configured
from pervichka.core.phones import is_kz_mobile

pytestmark = pytest.mark.hostile

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.TESTING = False
    return settings


def test_no_sms_gateway_in_production_is_an_error(production):
    production.PERVICHKA_SMS_CONFIGURED = False
    production.PERVICHKA_SMS_BACKEND = "pervichka.core.notify.ConsoleSMSBackend"
    assert [e.id for e in sms_backend_configured(None)] == ["pervichka.E001"]
    production.PERVICHKA_SMS_CONFIGURED = True
    production.PERVICHKA_SMS_BACKEND = "gateway.KcellBackend"
    assert sms_backend_configured(None) == []


def test_rate_limits_in_process_memory_are_a_warning(production):
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in rate_limits_use_a_shared_cache(None)] == ["pervichka.W001"]
    production.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379",
        }
    }
    assert rate_limits_use_a_shared_cache(None) == []


def _settings_value(name: str, **env) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr(getattr(settings, {name!r}, None)))"
    )
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_forwarded_proto_header_is_trusted_only_behind_a_declared_proxy():
    production = {"DJANGO_SECRET_KEY": "x" * 60, "PERVICHKA_SMS_BACKEND": "a.B"}
    assert _settings_value("SECURE_PROXY_SSL_HEADER", **production) == "None"
    assert (
        _settings_value("SECURE_PROXY_SSL_HEADER", PERVICHKA_BEHIND_PROXY="1", **production)
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


@pytest.mark.parametrize(
    ("phone", "kz"),
    [
        ("+77015551234", True),
        ("+77475551234", True),
        ("+79161234567", False),
        ("+74959876543", False),
        ("+12025550123", False),
        ("+77172123456", False),
    ],
)
def test_vote_codes_go_to_kazakhstan_mobiles_only(phone, kz):
    assert is_kz_mobile(phone) is kz
