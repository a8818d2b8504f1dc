"""What every API router shares: the error format and the acting user."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination


def actor(request: HttpRequest):
    return request.auth


PYDANTIC_MESSAGES = {
    "missing": lambda: _("This field is required."),
    "string_too_long": lambda: _("This value is too long."),
    "string_too_short": lambda: _("This value is too short."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "date_from_datetime_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
    "string_type": lambda: _("Enter text."),
    "enum": lambda: _("Choose one of the allowed values."),
    "literal_error": lambda: _("Choose one of the allowed values."),
    "extra_forbidden": lambda: _("This field is not allowed."),
    "json_invalid": lambda: _("The request body is not valid JSON."),
}


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
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

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
            translate = PYDANTIC_MESSAGES.get(error.get("type", ""))
            errors.setdefault(field, []).append(translate() if translate else error.get("msg", ""))
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
