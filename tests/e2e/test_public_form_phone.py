"""The citizen's first visit, on a phone: the appeal form's errors take the focus, and the page
with everything it loads stays small under `make run`'s serving of static files."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from playwright.sync_api import expect

from tests.appeals.test_public_form_phone import PNG

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# What a first visit to the public appeal form may transfer at 360 px (issue 14): it was
# 330 KB with Bootstrap's CSS uncompressed and never cached.
BUDGET = 120 * 1024


def test_the_error_summary_takes_the_focus_and_links_to_the_fields(
    page, tree, categories, tmp_path
):
    photo = tmp_path / "pit.png"
    photo.write_bytes(PNG)
    page.goto("/appeal/")
    page.locator("#id_surname").fill("Жумабаева")
    page.locator("#id_name").fill("Динара")
    page.locator("#id_phone").fill("8 705 123 45 67")
    page.locator("#id_settlement").select_option(str(tree.village.pk))
    page.locator("#id_text").fill("Нет освещения на улице Абая.")
    page.locator("#id_photos").set_input_files(str(photo))
    # No topic chosen and no consent ticked.
    page.locator("#public-appeal-form button[type=submit]").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.locator("a[href='#id_consent']")).to_be_visible()
    expect(summary.locator("a[href='#id_category']")).to_be_visible()
    expect(page.locator("#files-dropped")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    summary.locator("a[href='#id_consent']").click()
    expect(page.locator("#id_consent")).to_be_focused()
    expect(page.locator("#id_consent")).to_be_in_viewport()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_env() -> dict[str, str]:
    """The server in another process reads the test's own database."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"PERVICHKA_SQLITE_PATH": str(s["NAME"]), "DATABASE_URL": ""}
    return {
        "DATABASE_URL": (
            f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
    }


@pytest.fixture
def make_run_server(transactional_db, tree, tmp_path):
    """The server as `make run` starts it (Makefile: collectstatic, then runserver --nostatic
    with PERVICHKA_COLLECTED_STATIC=1 and DEBUG on), on a free port."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "PERVICHKA_COLLECTED_STATIC": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        **_database_env(),
    }
    env.pop("PERVICHKA_TESTING", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--nostatic", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                requests.get(url + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_first_visit_to_the_appeal_form_transfers_at_most_120_kb(browser, make_run_server):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="ru-RU")
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(make_run_server + "/appeal/", wait_until="networkidle")
    sizes = {
        r.url.removeprefix(make_run_server): (
            r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
        )
        for r in finished
    }
    total = sum(sizes.values())
    assert total <= BUDGET, f"{total} bytes: {sizes}"
    css = next(r for r in finished if "bootstrap.min" in r.url and r.url.endswith(".css"))
    headers = css.response().all_headers()
    assert headers.get("content-encoding") in ("gzip", "br")
    assert "immutable" in headers["cache-control"]
    assert "max-age=315360000" in headers["cache-control"]
    context.close()
