"""Error answers in the site's look and the caller's language: the CSRF failure page and
the refusal of input that no field may hold (NUL and other control characters)."""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# C0 controls and DEL, except tab, line feed and carriage return, which text may hold.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Form fields only: the files of a multipart request are not text.
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


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
