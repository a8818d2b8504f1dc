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


def _check_deploy(tmp_path, **overrides):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "PERVICHKA_TESTING": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "pervichka.example.kz",
        "STATIC_ROOT": str(tmp_path),
        # A gateway adapter is the operator's class; any importable path stands for it here.
        "PERVICHKA_SMS_BACKEND": "gateway.sms.Backend",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **overrides,
    }
    for name in ("PERVICHKA_SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the latter: browser tests
        env.pop(name, None)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_an_sms_gateway_or_a_shared_cache(tmp_path):
    result = _check_deploy(tmp_path, PERVICHKA_SMS_BACKEND=None, REDIS_URL=None)
    assert result.returncode != 0
    assert "pervichka.E001" in result.stderr + result.stdout
    assert "pervichka.W001" in result.stderr + result.stdout


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


def test_uploaded_files_have_no_public_path(client, db):
    """Receipts, photos and attachments are served by views that check scope; /media/ is
    no route of the application (and the proxy must not serve it: docs/deployment.md)."""
    assert client.get("/media/receipts/2026/receipt.png").status_code == 404


def test_the_swagger_page_requires_login(client, db, district_admin):
    anonymous = client.get("/api/v1/docs")
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/accounts/login/")
    client.force_login(district_admin)
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_swagger_page_loads_nothing_from_another_origin(client, db, district_admin):
    """Swagger UI comes from ninja's bundled static files and keeps the site's CSP."""
    client.force_login(district_admin)
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert "cdn" not in page.lower()
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
