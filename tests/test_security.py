"""Production settings pass Django's deployment checks; pages carry the security headers;
inline scripts are not needed (the Content-Security-Policy forbids them)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "PERVICHKA_TESTING": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "pervichka.example.kz",
        "STATIC_ROOT": str(tmp_path),
    }
    env.pop("PERVICHKA_SECURE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_security_headers(client, db):
    response = client.get(reverse("public:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=\"")
    offenders = [
        str(path.relative_to(ROOT))
        for path in list(ROOT.glob("templates/**/*.html"))
        + list(ROOT.glob("pervichka/*/templates/**/*.html"))
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
