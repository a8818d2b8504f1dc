from django import template
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language

from pervichka.core.iin import mask_iin
from pervichka.core.numbers import format_number
from pervichka.core.phones import format_phone

register = template.Library()


@register.filter
def masked_iin(value: str) -> str:
    return mask_iin(value)


@register.filter
def phone(value: str) -> str:
    return format_phone(value)


# A date written out, the month in the case a date needs: Russian genitive ("7 декабря
# 2026 г."), Kazakh lower case ("7 желтоқсан 2026 ж.", the "alt. month" names of
# locale_django/kk), English "7 December 2026".
LONG_DATE_FORMATS = {"ru": "j E Y г.", "kk": "j E Y ж.", "en": "j F Y"}


@register.filter
def long_date(value) -> str:
    if not value:
        return ""
    language = (get_language() or "ru")[:2]
    return date_format(value, LONG_DATE_FORMATS.get(language, "j E Y"))


@register.filter
def num(value, places=None) -> str:
    """A count or sum with its thousands grouped as the language groups them (core.numbers):
    {{ members|num }}, {{ amount|num:2 }}."""
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def percent(value) -> str:
    """A share (0.35) as a whole percentage ("35%"); an empty share as a dash."""
    if value is None or value == "":
        return "—"
    return f"{round(float(value) * 100)}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"
