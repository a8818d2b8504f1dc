"""A URLconf with views that crash, for the 500-page tests (tests/core/test_input_sanity.py)."""

from django.urls import include, path


def crash(request):
    secret = "secret-local-value"  # Django's technical page would show local values
    raise RuntimeError(f"crash {secret[:0]}")


urlpatterns = [
    path("crash/", crash),
    path("api/crash/", crash),
    path("", include("config.urls")),
]
