"""Every page fits the window: on a 360 px phone and on a 1366 px desktop.

The demo district is loaded once; then, for each demo login and for a citizen without one, the
crawler opens the pages the menus lead to and, one level deeper, the pages their links lead to
(same origin, GET only, one page per URL shape: /members/12/ stands for every member). Each page
is measured at 360 px and at 1366 px; the staff navbar is measured once more at every width from
1024 to 1920 px. A page wider than the window fails the test with the page and the element that
sticks out, so the report says what to fix rather than that something is wrong.

One test for the whole crawl: loading the demo takes half a minute, and a test per role would
load it again for each (a live-server test ends with a flush)."""

import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from pervichka.devdata.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Every demo login but chair2 (the same pages as chair, another primary) and the superuser
# (the administrator's pages, and Django admin, which is not ours to lay out).
ROLES = [
    "admin",
    "chair",
    "operator",
    "youth",
    "trainer",
    "deputy",
    "auditor",
    "treasurer",
    "jury",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1366, "height": 900}
NAVBAR_WIDTHS = [1024, 1100, 1200, 1280, 1366, 1440, 1600, 1920]

# Not ours to lay out (Django admin, the API's documentation) or not a page (files, logout).
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n|jsi18n)/|/logout/|export|download|\.(xlsx|csv|pdf|json)$"
    r"|/template/|/metrics|/healthz|/readyz"
)

# The element that sticks out furthest past the right edge, where the overflow starts (its
# parent still fits), outside any box that scrolls on its own (a .table-responsive).
OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const doc = document.documentElement.scrollWidth;
  if (doc <= width) return null;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).slice(0, 4).join('.');
    return s;
  };
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    if (scrolls(el)) continue;
    const parent = el.parentElement;
    const pr = parent ? parent.getBoundingClientRect() : null;
    if (pr && pr.right > width + 1 && parent !== document.body) continue;
    if (!worst || r.right > worst.right) worst = {right: r.right, width: r.width, el};
  }
  const text = worst ? (worst.el.innerText || '').trim().slice(0, 40) : '';
  return {doc, width, element: worst ? name(worst.el) : '?',
          elementWidth: worst ? Math.round(worst.width) : 0, text};
}
"""

# Text that may break anywhere, inside a word ("Населённы й пункт"): words break between
# words, or with a hyphen (app.css).
BREAKS_ANYWHERE_JS = """
() => {
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.wordBreak === 'break-all' || style.wordBreak === 'break-word'
        || style.overflowWrap === 'anywhere') {
      const classes = String(el.className || '').trim().split(/\\s+/).join('.');
      return el.tagName.toLowerCase() + (classes ? '.' + classes : '');
    }
  }
  return null;
}
"""

LINKS_JS = """
(scope) => Array.from(document.querySelectorAll(scope + ' a[href]'))
  .filter(a => !a.hasAttribute('download') && a.getAttribute('href') !== '#')
  .map(a => a.href)
"""


def _shape(url: str) -> str:
    """One key per kind of page: ids become N, query values are dropped (but not their keys,
    so that ?tab=... pages count as their own)."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9A-Za-z-]*\d[0-9A-Za-z-]*(?=/)", "/N", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query)} - {"page", "q"})
    return path + ("?" + "&".join(keys) if keys else "")


def _same_origin(url: str, origin: str) -> str | None:
    if not url.startswith(origin):
        return None
    path = url[len(origin) :].split("#")[0]
    if not path.startswith("/") or SKIP.search(path):
        return None
    return path


class Crawl:
    """One login's crawl. `opened` is shared by the crawls of one test: a page deeper than
    the menus that an earlier login opened is not opened again (the menus' own pages are, as
    each role sees them with its own buttons and columns)."""

    def __init__(self, page, origin: str, who: str, opened: set[str]):
        self.page = page
        self.origin = origin
        self.who = who
        self.seen: set[str] = set()
        self.opened = opened
        self.problems: list[str] = []
        self.pages = 0

    def visit(self, path: str, *, menu: bool = False) -> list[str] | None:
        """Open a page, measure it at both widths; answer its links (None: not a page)."""
        key = _shape(path)
        if key in self.seen or (not menu and key in self.opened):
            return None
        self.seen.add(key)
        self.opened.add(key)
        page = self.page
        page.set_viewport_size(PHONE)
        try:
            response = page.goto(path, wait_until="domcontentloaded")
        except Exception:  # a download (an export) is not a page to measure
            return None
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return None
        if response.status >= 500:
            self.problems.append(f"{self.who}: {path} answers {response.status}")
            return None
        if response.status >= 400:
            if menu:  # a menu that leads to a refusal is a broken menu
                self.problems.append(f"{self.who}: the menu's {path} answers {response.status}")
            return None
        self.pages += 1
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            found = page.evaluate(OVERFLOW_JS)
            if found:
                self.problems.append(
                    f"{self.who} at {size['width']} px: {path} is {found['doc']} px wide; "
                    f"widest: {found['element']} ({found['elementWidth']} px) "
                    f"{found['text']!r}"
                )
        breaking = page.evaluate(BREAKS_ANYWHERE_JS)
        if breaking:
            self.problems.append(f"{self.who}: {path} lets {breaking} break inside a word")
        links = page.evaluate(LINKS_JS, "main")
        return [p for p in (_same_origin(u, self.origin) for u in links) if p]

    def run(self, start: str, menu_scope: str) -> None:
        self.page.set_viewport_size(PHONE)
        self.page.goto(start)
        menu = [
            p
            for p in (
                _same_origin(u, self.origin) for u in self.page.evaluate(LINKS_JS, menu_scope)
            )
            if p
        ]
        level_one: list[str] = []
        for path in [start, *menu]:
            level_one += self.visit(path, menu=True) or []
        for path in level_one:
            self.visit(path)


def _navbar_problems(page, who: str) -> list[str]:
    problems = []
    page.goto("/")
    for width in NAVBAR_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = page.evaluate(OVERFLOW_JS)
        if found:
            problems.append(
                f"{who} navbar at {width} px: page is {found['doc']} px wide; "
                f"widest: {found['element']} ({found['elementWidth']} px)"
            )
        # The account menu must be on screen, not pushed past the right edge.
        box = page.locator("#account-menu").bounding_box()
        if box and box["x"] + box["width"] > width + 1:
            problems.append(f"{who} navbar at {width} px: the account menu is cut off")
    return problems


def test_every_page_of_every_role_fits_phone_and_desktop(browser, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    origin = live_server.url
    problems: list[str] = []
    counted: dict[str, int] = {}
    opened: set[str] = set()

    # The citizen: the portal and every public page its footer and sections lead to.
    context = browser.new_context(locale="ru-RU", base_url=origin, viewport=PHONE)
    crawl = Crawl(context.new_page(), origin, "citizen", opened)
    crawl.run("/portal/", "footer")
    problems += crawl.problems
    counted["citizen"] = crawl.pages
    context.close()

    for username in ROLES:
        context = browser.new_context(locale="ru-RU", base_url=origin, viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        crawl = Crawl(page, origin, username, opened)
        crawl.run("/", "#mainnav")
        problems += crawl.problems
        problems += _navbar_problems(page, username)
        counted[username] = crawl.pages
        context.close()

    assert not problems, "\n".join(problems) + f"\n(pages opened: {counted})"
    # The crawl reached something for everyone (a broken login would open nothing).
    assert all(n >= 1 for n in counted.values()), counted
