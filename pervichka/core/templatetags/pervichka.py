from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
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


# Each frozen fragment's rendered HTML, per (language, script prefix, settings generation).
# A test that overrides settings (STATIC_URL, the URLconf) starts a new generation.
_frozen_generation = [0]


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    _frozen_generation[0] += 1


class FrozenNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple, str] = {}

    def render(self, context) -> str:
        key = (get_language(), get_script_prefix(), _frozen_generation[0])
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))
        return html


@register.tag
def frozen(parser, token) -> FrozenNode:
    """`{% frozen %}…{% endfrozen %}`: a fragment that depends on the language and the script
    prefix alone (`{% static %}`, `{% url %}` without arguments, `{% translate %}`, fixed
    markup), rendered once per process for each language and served as it is afterwards.

    Nothing of the user, the request, the context's variables (but the language's) or the
    CSRF token may stand inside: it would be served to everyone. A profile of the chair's
    appeals list found a fifth of its CPU in such tags of base.html and the page's fixed
    parts, rendered again on every request (bench/NOTES.md, Stop 24). The node holds its own
    renderings: a template parsed again (a changed file under `make run`) starts empty."""
    nodelist = parser.parse(("endfrozen",))
    parser.delete_first_token()
    return FrozenNode(nodelist)


@register.simple_tag
def options(choices, selected) -> str:
    """The `<option>`s of a filter's (value, label) choices, the one equal to `selected`
    marked: one join instead of a template loop with a comparison per choice (a district's
    filter lists its villages on every request of its lists)."""
    chosen = None if selected in (None, "") else str(selected)
    return mark_safe(
        "".join(
            f'<option value="{conditional_escape(value)}" '
            f"{'selected' if chosen is not None and str(value) == chosen else ''}>"
            f"{conditional_escape(label)}</option>"
            for value, label in choices
        )
    )
