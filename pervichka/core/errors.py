"""Error answers in the site's look and the caller's language: the CSRF failure page, the
404 and 500 pages under DEBUG too, and the refusal of input that no field may hold (NUL
and other control characters)."""

from __future__ import annotations

import json
import logging
import re

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from pydantic_core import PydanticCustomError

# C0 controls and DEL, except tab, line feed and carriage return, which text may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Form fields only: the files of a multipart request are not text.
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def Refusal(message: str) -> PydanticCustomError:
    """A schema validator's refusal whose message is already in the caller's language: the
    API's error handler passes it on as the field's message (type "refused", core.api)."""
    return PydanticCustomError("refused", "{message}", {"message": message})


def has_control_characters(value: object) -> bool:
    """True when a string anywhere in a JSON-like value (keys too) holds a control character."""
    if isinstance(value, str):
        return bool(CONTROL_CHARACTERS.search(value))
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control_characters(v) for v in value)
    return False


def error_page(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "errors": {}}, status=status)
    return render(request, "error_page.html", {"title": title, "message": message}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's own page is English and explains the mechanism."""
    return error_page(
        request,
        title=_("The form has expired"),
        message=_(
            "The page was open too long or cookies are off, so the form could not be accepted. "
            "Go back, reload the page and send it again."
        ),
        status=403,
    )


class InputSanityMiddleware:
    """Refuses, before any view, a request whose query, form fields or JSON hold a NUL or
    another control character (they break exports, logs and PostgreSQL text), and a JSON
    body that cannot be parsed, with a message in the caller's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if any(
            CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            return self._control(request)
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type == "application/json":
            if not request.body:
                return None
            try:
                data = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return error_page(
                    request,
                    title=_("Bad request"),
                    message=_("The request body is not valid JSON."),
                    status=400,
                )
            if has_control_characters(data):
                return self._control(request)
        elif request.content_type in _FORMS and any(
            CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
            for key, values in request.POST.lists()
            for value in values
        ):
            return self._control(request)
        return None

    def _control(self, request: HttpRequest) -> HttpResponse:
        return error_page(
            request,
            title=_("Bad request"),
            message=_(
                "The text holds invisible control characters (such as NUL) that no field "
                "accepts. Type it again or paste it as plain text."
            ),
            status=400,
        )


class FriendlyErrorsMiddleware:
    """Under DEBUG (`make run`), the site's own 404 and 500 pages instead of Django's
    technical ones, which list every URL pattern and show settings and local values: a user
    trying the demo sees what production shows. With DEBUG off Django already uses the
    site's pages (handler404/handler500), and this does nothing. Developers who want the
    technical pages set PERVICHKA_TECHNICAL_ERROR_PAGES=1; the traceback of a 500 is
    logged either way."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not settings.PERVICHKA_TECHNICAL_ERROR_PAGES

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        # An address no pattern matches never reaches a view: the resolver's 404 is
        # answered by Django's technical page (with the URL list) under DEBUG.
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and self.active()
        ):
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not self.active():
            return None
        if isinstance(exception, Http404):
            return not_found(request)
        if isinstance(exception, PermissionDenied | SuspiciousOperation | BadRequest):
            return None  # Django answers these with the site's 403 and 400 pages already
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=exception
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"message": _("Something went wrong"), "errors": {}}, status=500)
        return defaults.server_error(request)


def not_found(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Not found."), "errors": {}}, status=404)
    return defaults.page_not_found(request, Http404())
