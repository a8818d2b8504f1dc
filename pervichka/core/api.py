"""What every API router shares: the error format and the acting user."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination

from pervichka.core.idempotency import IdempotencyConflict


def actor(request: HttpRequest):
    return request.auth


def _expected(ctx: dict) -> str:
    """Pydantic's "'a', 'b' or 'c'" without its English "or": `a, b, c`."""
    text = str(ctx.get("expected", ""))
    values = re.findall(r"'([^']*)'", text)
    return ", ".join(values) if values else text


def _choose(ctx: dict) -> str:
    if not ctx.get("expected"):
        return _("Choose one of the allowed values.")
    return _("Choose one of: %(expected)s.") % {"expected": _expected(ctx)}


def _count(ctx: dict, key: str) -> int:
    try:
        return int(ctx.get(key, 0))
    except (TypeError, ValueError):
        return 0


def _whole_number(ctx: dict) -> str:
    return _("Enter a whole number.")


def _date(ctx: dict) -> str:
    return _("Enter a date as YYYY-MM-DD.")


def _datetime(ctx: dict) -> str:
    return _("Enter a date and time in ISO 8601, e.g. 2026-11-02T10:00:00+05:00.")


def _number(ctx: dict) -> str:
    return _("Enter a number.")


def _boolean(ctx: dict) -> str:
    return _("Enter true or false.")


def _text(ctx: dict) -> str:
    return _("Enter text.")


# Pydantic's error types, in the caller's language; the `ctx` supplies the limits.
PYDANTIC_MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda ctx: _("This field is required."),
    "greater_than": lambda ctx: (
        _("Enter a value greater than %(limit)s.") % {"limit": ctx.get("gt")}
    ),
    "greater_than_equal": lambda ctx: (
        _("Enter a value greater than or equal to %(limit)s.") % {"limit": ctx.get("ge")}
    ),
    "less_than": lambda ctx: _("Enter a value less than %(limit)s.") % {"limit": ctx.get("lt")},
    "less_than_equal": lambda ctx: (
        _("Enter a value less than or equal to %(limit)s.") % {"limit": ctx.get("le")}
    ),
    "multiple_of": lambda ctx: (
        _("Enter a multiple of %(limit)s.") % {"limit": ctx.get("multiple_of")}
    ),
    "string_too_short": lambda ctx: (
        ngettext(
            "Enter at least %(limit)d character.",
            "Enter at least %(limit)d characters.",
            _count(ctx, "min_length"),
        )
        % {"limit": _count(ctx, "min_length")}
    ),
    "string_too_long": lambda ctx: (
        ngettext(
            "Enter at most %(limit)d character.",
            "Enter at most %(limit)d characters.",
            _count(ctx, "max_length"),
        )
        % {"limit": _count(ctx, "max_length")}
    ),
    "too_short": lambda ctx: (
        ngettext(
            "Give at least %(limit)d item.",
            "Give at least %(limit)d items.",
            _count(ctx, "min_length"),
        )
        % {"limit": _count(ctx, "min_length")}
    ),
    "too_long": lambda ctx: (
        ngettext(
            "Give at most %(limit)d item.",
            "Give at most %(limit)d items.",
            _count(ctx, "max_length"),
        )
        % {"limit": _count(ctx, "max_length")}
    ),
    "string_pattern_mismatch": lambda ctx: (
        _("Enter a value in the required format (%(pattern)s).") % {"pattern": ctx.get("pattern")}
    ),
    "string_type": _text,
    "string_unicode": _text,
    "enum": _choose,
    "literal_error": _choose,
    "int_parsing": _whole_number,
    "int_type": _whole_number,
    "int_from_float": _whole_number,
    "int_parsing_size": lambda ctx: _("A number in the request is out of range."),
    "float_parsing": _number,
    "float_type": _number,
    "finite_number": _number,
    "decimal_parsing": _number,
    "decimal_type": _number,
    "bool_parsing": _boolean,
    "bool_type": _boolean,
    "date_parsing": _date,
    "date_type": _date,
    "date_from_datetime_parsing": _date,
    "date_from_datetime_inexact": _date,
    "datetime_parsing": _datetime,
    "datetime_type": _datetime,
    "datetime_from_date_parsing": _datetime,
    "datetime_object_invalid": _datetime,
    "time_parsing": lambda ctx: _("Enter a time as HH:MM."),
    "time_type": lambda ctx: _("Enter a time as HH:MM."),
    "uuid_parsing": lambda ctx: _("Enter a valid UUID."),
    "uuid_type": lambda ctx: _("Enter a valid UUID."),
    "list_type": lambda ctx: _("Enter a list."),
    "dict_type": lambda ctx: _("Enter a JSON object."),
    "model_type": lambda ctx: _("Enter a JSON object."),
    "model_attributes_type": lambda ctx: _("Enter a JSON object."),
    "extra_forbidden": lambda ctx: _("This field is not allowed."),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
    # Our own validators (core.dates, core.money) refuse with a message already translated.
    "refused": lambda ctx: str(ctx.get("message") or _("Invalid value.")),
}


def validation_message(error: dict) -> str:
    """One pydantic error in the caller's language; an unknown kind gets a plain fallback,
    never pydantic's English."""
    translate = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if translate is None:
        return _("Invalid value.")
    return translate(error.get("ctx") or {})


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"message": message, "errors": errors or {}}


def install_error_handlers(api: NinjaAPI) -> NinjaAPI:
    """Every error as `{message, errors: {field: [..]}}`, in the caller's language."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body(_("Not found.")), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        return api.create_response(
            request,
            error_body(_("Authentication required: log in or send a valid token.")),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        if message.startswith("Cannot parse request body"):  # ninja's own, in English
            message = _("The request body is not valid JSON.")
        return api.create_response(request, error_body(message), status=exc.status_code)

    @api.exception_handler(IdempotencyConflict)
    def idempotency_conflict(request, exc: IdempotencyConflict):
        return api.create_response(request, error_body(exc.message), status=409)

    @api.exception_handler(OverflowError)
    def number_out_of_range(request, exc):
        # An id or offset larger than the database's integers (found by fuzzing).
        return api.create_response(
            request, error_body(_("A number in the request is out of range.")), status=422
        )

    @api.exception_handler(DataError)
    def data_error(request, exc):
        return api.create_response(
            request, error_body(_("A value in the request is out of range.")), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                ("non_field" if f == "__all__" else f): [str(m) for e in errs for m in e.messages]
                for f, errs in exc.error_dict.items()
            }
            first = next(iter(errors.values()))[0]
        else:
            errors = {"non_field": [str(m) for m in exc.messages]}
            first = exc.messages[0]
        return api.create_response(request, error_body(first, errors), status=422)

    @api.exception_handler(NinjaValidationError)
    def schema_validation(request, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
            field = loc[-1] if loc else "non_field"
            errors.setdefault(field, []).append(validation_message(error))
        return api.create_response(
            request, error_body(_("Some fields are not valid."), errors), status=422
        )

    return api


class MappedPage:
    """A queryset the paginator slices first; only the page's rows are turned into dicts."""

    def __init__(self, queryset, to_dict):
        self.queryset, self.to_dict = queryset, to_dict

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, item):
        return [self.to_dict(row) for row in self.queryset[item]]


class Pagination(LimitOffsetPagination):
    """limit/offset with bounds the database can hold (an unbounded offset made PostgreSQL
    and SQLite fail on integer overflow: found by fuzzing)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)
