"""The one dispatcher of a page's form actions.

A page with several small forms (an appeal's card, a youth case, a cohort, an idea) posts
each to `.../<action>/` or with an `action` field. The view describes its actions as a
table — the action's name, the form that parses it, the service call that does it — and
`form_action` does the rest the same way everywhere: an unknown action is a 404, the form
is bound and validated, the handler runs only on valid input, a ValidationError from the
service lands on the form's fields, and only then is the action reported as done. Invalid
input never reports success.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from pervichka.core.forms import apply_validation_error

# (POST data, uploaded files) -> a bound form
FormFactory = Callable[[Any, Any], forms.Form]


@dataclass(frozen=True)
class FormAction:
    """One action of a page: `form` parses the POST (None for an action without input) and
    `handle` gets the form's cleaned data and calls the service; what it returns is handed
    back to the view (the success message, the object made).

    `invalid` replaces the form's own errors by one message where the page shows no form to
    put them under (a one-button form, a hidden field)."""

    handle: Callable[[dict], Any]
    form: FormFactory | None = None
    invalid: str | Callable[[forms.Form], str] | None = None


@dataclass
class ActionResult:
    name: str
    form: forms.Form | None = None
    value: Any = None
    # Messages that belong to no field of the form (an illegal transition, say).
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and (self.form is None or not self.form.errors)

    def messages(self) -> list[str]:
        """Everything that went wrong, as plain sentences (for a page that redirects)."""
        if self.errors or self.form is None:
            return list(self.errors)
        return [str(e) for errors in self.form.errors.values() for e in errors]


def form_action(
    request: HttpRequest, actions: Mapping[str, FormAction], name: str | None
) -> ActionResult:
    """Run the action `name` of `actions` on the request's POST; 404 when there is none."""
    action = actions.get(name or "")
    if action is None:
        raise Http404
    result = ActionResult(name=name or "")
    if action.form is not None:
        result.form = action.form(request.POST, request.FILES)
        if not result.form.is_valid():
            invalid = action.invalid
            if invalid is not None:
                result.errors.append(str(invalid(result.form) if callable(invalid) else invalid))
            return result
    data = result.form.cleaned_data if result.form is not None else {}
    try:
        result.value = action.handle(data)
    except ValidationError as exc:
        if result.form is not None and hasattr(exc, "error_dict"):
            apply_validation_error(result.form, exc)
        else:
            result.errors.extend(exc.messages)
    return result
