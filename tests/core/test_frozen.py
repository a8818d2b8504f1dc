"""{% frozen %}: a fragment rendered once per language and script prefix, and nothing else
of the request in it (core/templatetags/pervichka.py)."""

from django.template import Context, engines
from django.urls import set_script_prefix
from django.utils import translation

TEMPLATE = (
    "{% load i18n pervichka %}"
    "{% frozen %}<a href=\"{% url 'appeals:list' %}\">{% translate 'Log out' %}</a>{% endfrozen %}"
    "{{ name }}"
)


def render(template, **context) -> str:
    return template.render(Context(context))


def test_a_frozen_fragment_is_rendered_per_language_and_script_prefix():
    template = engines["django"].from_string(TEMPLATE).template
    with translation.override("en"):
        assert render(template, name="Болат") == '<a href="/appeals/">Log out</a>Болат'
        # What stands outside the fragment is each render's own.
        assert render(template, name="Айгерим") == '<a href="/appeals/">Log out</a>Айгерим'
    with translation.override("ru"):
        assert render(template, name="") == '<a href="/appeals/">Выйти</a>'
    try:
        set_script_prefix("/pervichka/")
        with translation.override("en"):
            assert render(template, name="") == '<a href="/pervichka/appeals/">Log out</a>'
    finally:
        set_script_prefix("/")
    with translation.override("en"):
        assert render(template, name="") == '<a href="/appeals/">Log out</a>'


def test_a_frozen_fragment_is_rendered_again_after_a_settings_change(settings):
    template = (
        engines["django"]
        .from_string("{% load static pervichka %}{% frozen %}{% static 'a.css' %}{% endfrozen %}")
        .template
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_URL = "/one/"
    assert render(template) == "/one/a.css"
    settings.STATIC_URL = "/two/"
    assert render(template) == "/two/a.css"
