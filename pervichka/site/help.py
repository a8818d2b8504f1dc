"""The user guide in the reader's language (docs/user-guide.md, .ru.md, .kk.md), rendered
from Markdown, opening at the section of the page the reader came from.

The three files have the same headings in the same order; each heading gets the id of its
place in SECTIONS (tests/site/test_help.py checks the counts agree), so that a link from
any page lands on the same section whatever the language. The guide is ours, but it is
rendered as untrusted text all the same: raw HTML is escaped by markdown-it and the result
passes through nh3 with a short list of tags.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

GUIDE_FILES = {"ru": "user-guide.ru.md", "kk": "user-guide.kk.md", "en": "user-guide.md"}

# The id of each heading, in the order the headings stand in every language's file.
SECTIONS = [
    "top",
    "login",
    "overview",
    "members",
    "import",
    "personal-data",
    "orgs",
    "api-tokens",
    "appeals",
    "appeals-register",
    "deadlines",
    "appeals-work",
    "receptions",
    "citizens",
    "dues",
    "dues-rates",
    "dues-payment",
    "dues-statements",
    "dues-district",
    "dues-spending",
    "youth",
    "youth-register",
    "youth-case",
    "youth-dashboard",
    "projects",
    "project-page",
    "events",
    "plantings",
    "ideas",
    "promises",
    "deputies",
    "training",
]

# The section for a page: its URL name first, then its namespace (the app).
PAGE_SECTIONS = {
    "people:import": "import",
    "people:import_report": "import",
    "people:import_decide": "import",
    "accounts:tokens": "api-tokens",
    "appeals:new": "appeals-register",
    "appeals:receptions": "receptions",
    "dues:spending_new": "dues-spending",
    "dues:spending": "dues-spending",
    "dues:spendings": "dues-spending",
    "dues:statements": "dues-statements",
    "dues:statement": "dues-statements",
    "dues:rates": "dues-rates",
    "youth:dashboard": "youth-dashboard",
    "youth:case": "youth-case",
    "projects:event": "events",
    "projects:event_new": "events",
    "projects:project": "project-page",
    "site:home": "overview",
    "people": "members",
    "privacy": "personal-data",
    "people:access_log": "personal-data",
    "orgs": "orgs",
    "appeals": "appeals",
    "dues": "dues",
    "youth": "youth",
    "projects": "projects",
    "greening": "plantings",
    "ideas": "ideas",
    "promises": "promises",
    "deputies": "deputies",
    "training": "training",
}

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "a",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"},
}  # fmt: skip


def section_for(view_name: str) -> str:
    """The anchor of the guide's section about the page called `view_name` ("" if none)."""
    if view_name in PAGE_SECTIONS:
        return PAGE_SECTIONS[view_name]
    return PAGE_SECTIONS.get(view_name.split(":", 1)[0], "")


def guide_path(language: str) -> Path:
    return Path(settings.BASE_DIR) / "docs" / GUIDE_FILES.get(language[:2], GUIDE_FILES["en"])


def render_markdown(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """(HTML, [(level, id, title)]) of a guide: headings get the ids of SECTIONS in order;
    pictures under ../static/help/ (as GitHub shows the file) are served from static."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    headings = []
    index = 0
    for position, token in enumerate(tokens):
        if token.type == "heading_open":
            anchor = SECTIONS[index] if index < len(SECTIONS) else f"section-{index}"
            token.attrSet("id", anchor)
            headings.append((int(token.tag[1]), anchor, tokens[position + 1].content))
            index += 1
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "image":
                    src = str(child.attrGet("src") or "")
                    if src.startswith("../static/help/"):
                        child.attrSet("src", settings.STATIC_URL + src.removeprefix("../static/"))
    html = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return clean, headings


@lru_cache(maxsize=8)
def _rendered(path: Path, mtime: float) -> tuple[str, list[tuple[int, str, str]]]:
    return render_markdown(path.read_text(encoding="utf-8"))


def guide(language: str) -> tuple[str, list[tuple[int, str, str]]]:
    path = guide_path(language)
    return _rendered(path, path.stat().st_mtime)
