"""Startup checks (`manage.py check`, run by runserver and `check --deploy`) for settings
that are safe on a laptop and dangerous in production."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def sms_backend_configured(app_configs, **kwargs):
    """With DEBUG off, SMS (vote codes, appeal notices) must go to a real gateway: the
    console backend would print citizens' codes into the log and send nothing."""
    backend = settings.PERVICHKA_SMS_BACKEND
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return []
    if not settings.PERVICHKA_SMS_CONFIGURED or backend.endswith(
        ("ConsoleSMSBackend", "LocmemSMSBackend")
    ):
        return [
            Error(
                "PERVICHKA_SMS_BACKEND is not set to a real SMS gateway while DEBUG is off: "
                "vote codes and notices would be printed to the log, not sent.",
                hint="Set PERVICHKA_SMS_BACKEND to your gateway's adapter (docs/deployment.md).",
                id="pervichka.E001",
            )
        ]
    return []


@register(Tags.caches)
def rate_limits_use_a_shared_cache(app_configs, **kwargs):
    """Rate limits (logins, public forms, vote codes, IIN lookups) count in the default
    cache: a per-process cache lets each gunicorn worker count on its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or getattr(settings, "TESTING", False) or backend not in _LOCAL_CACHES:
        return []
    return [
        Warning(
            f"Rate-limit counters live in process memory ({backend.rsplit('.', 1)[-1]}): with "
            "several processes each counts on its own and the limits multiply.",
            hint="Set REDIS_URL so that every process shares the counters.",
            id="pervichka.W001",
        )
    ]
