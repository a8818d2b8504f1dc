"""Every string a user sees exists in Russian, Kazakh and English."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_message_is_translated(language):
    missing = _untranslated(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert not missing, f"{language}: translate these (make messages): {missing[:20]}"


def _untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    return [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]


def test_catalogs_cover_the_source(tmp_path):
    """After `make messages` on a copy of the source, nothing is left untranslated: every
    string marked in code and templates is in the catalogs. Needs GNU gettext (CI has it)."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext (xgettext) is not installed: install it to run this check")
    base = Path(settings.BASE_DIR)
    for name in ("pervichka", "config", "templates", "locale"):
        shutil.copytree(
            base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(base / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DJANGO_DEBUG": "1", "PERVICHKA_TESTING": ""}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ru",
            "-l",
            "kk",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    for language in ("ru", "kk"):
        missing = _untranslated(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        assert not missing, f"{language}: run `make messages` and translate: {missing[:20]}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Войти"), ("kk", "Кіру"), ("en", "Log in")],
)
def test_login_page_in_each_language(client, language, expected, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'<html lang="{language}">' in page
    assert expected in page


def test_language_switcher_sets_the_cookie(client, db):
    response = client.post(reverse("set_language"), {"language": "kk", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"


def test_kazakh_pages_write_dates_as_kazakhstan_does():
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("kk"):
        assert formats.date_format(dt.date(2026, 11, 30), "SHORT_DATE_FORMAT") == "30.11.2026"


def test_english_pages_write_short_dates_day_first():
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("en"):
        assert formats.date_format(dt.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "06.12.2026"


def test_the_password_page_is_kazakh_in_kazakh(db, login, chair_a):
    """Django leaves its password texts untranslated in Kazakh (they fell back to Russian);
    locale_django/ carries them."""
    page = login(chair_a).get("/accounts/password/", HTTP_ACCEPT_LANGUAGE="kk")
    text = page.content.decode()
    assert "Құпиясөзде кемінде 8 таңба болуы керек." in text
    assert "Ваш пароль" not in text
