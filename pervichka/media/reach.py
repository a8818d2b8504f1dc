"""The reach of logged posts, imported from the CSV that a platform's own statistics export.

Instagram and Facebook (Meta Business Suite), Telegram, TikTok, VK and WhatsApp name their
columns differently, in Russian or in English, and Excel in a Russian locale saves CSV in
Windows-1251 with semicolons. Each platform has a mapping of header names to the two columns
the import needs: the post's link and a reach figure (reach where the export has it, else
views or impressions). Rows are matched to the post log by the normalised link
(`services.post_url_normalise`, the same check as logging a post), so a re-upload of the
same file changes nothing."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pervichka.core.exporting import FORMULA_TRIGGERS
from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.uploads import check_size
from pervichka.media.enums import Platform
from pervichka.media.models import SocialPost
from pervichka.media.services import post_url_normalise

_LINK_COMMON = ("link", "url", "post link", "post url", "ссылка", "ссылка на пост", "сілтеме")
# platform -> (the link's header names, the figure's header names in order of preference).
# Lower-case; a header matches when it equals a name once spaces and punctuation are folded.
HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Platform.INSTAGRAM: (
        (*_LINK_COMMON, "permalink", "постоянная ссылка", "ссылка на публикацию"),
        ("reach", "охват", "accounts reached", "охваченные аккаунты", "views", "просмотры",
         "impressions", "показы"),
    ),
    Platform.FACEBOOK: (
        (*_LINK_COMMON, "permalink", "постоянная ссылка", "ссылка на публикацию"),
        ("reach", "post reach", "охват", "охват публикации", "views", "просмотры",
         "impressions", "показы"),
    ),
    Platform.TELEGRAM: (
        (*_LINK_COMMON, "message link", "ссылка на сообщение", "ссылка на публикацию"),
        ("reach", "охват", "views", "просмотры", "impressions", "показы"),
    ),
    Platform.TIKTOK: (
        (*_LINK_COMMON, "video link", "ссылка на видео"),
        ("reach", "reached audience", "охват", "охваченная аудитория", "video views", "views",
         "просмотры видео", "просмотры", "impressions", "показы"),
    ),
    Platform.VK: (
        (*_LINK_COMMON, "link to post", "ссылка на запись", "запись"),
        ("reach", "post reach", "охват", "охват записи", "views", "просмотры",
         "impressions", "показы"),
    ),
    Platform.WHATSAPP: (
        (*_LINK_COMMON, "update link", "ссылка на обновление"),
        ("reach", "охват", "views", "просмотры", "impressions", "показы"),
    ),
}  # fmt: skip
REACH_24H, REACH_7D = "24h", "7d"
MAX_REACH = 100_000_000
_FOLD = re.compile(r"[\s_\-:.()«»\"']+")
# 12 345 · 12,345 · 12.345 · 12345 · 12345.0 (a spreadsheet's float).
_GROUPED = re.compile(r"\d{1,3}(?:[,.]\d{3})+")
_PLAIN = re.compile(r"\d+(?:[.,]0+)?")


def _fold(label: str) -> str:
    return _FOLD.sub(" ", (label or "").strip().lower()).strip()


@dataclass
class ReachReport:
    """What an import did, row by row (row numbers as the spreadsheet shows them)."""

    platform: str
    which: str
    link_column: str = ""
    value_column: str = ""
    # (row, post, the old figure, the new one)
    matched: list[tuple[int, SocialPost, int | None, int]] = field(default_factory=list)
    unchanged: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise ValidationError(
            {"file": _("The file holds NUL bytes: it is not a CSV export of statistics.")}
        )
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("The CSV file is neither UTF-8 nor Windows-1251.")})


def _columns(header: list[str], platform: str) -> tuple[int, int]:
    links, values = HEADERS[platform]
    folded = [_fold(h) for h in header]
    link = next((i for i, h in enumerate(folded) if h in links), None)
    value = next((folded.index(v) for v in values if v in folded), None)
    if link is None or value is None:
        raise ValidationError(
            {
                "file": _(
                    "The first row must name the post's link and its reach (for %(platform)s: "
                    "%(links)s; %(values)s)."
                )
                % {
                    "platform": Platform(platform).label,
                    "links": ", ".join(links[:4]),
                    "values": ", ".join(values[:4]),
                }
            }
        )
    return link, value


def _number(text: str) -> int:
    value = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    if _GROUPED.fullmatch(value):
        number = int(re.sub(r"[,.]", "", value))
    elif _PLAIN.fullmatch(value):
        number = int(re.split(r"[.,]", value)[0])
    else:
        raise ValueError
    if number > MAX_REACH:
        raise ValueError
    return number


def _table(content: bytes) -> list[list[str]]:
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    limit = settings.PERVICHKA_REACH_IMPORT_MAX_ROWS
    table: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(table) > limit:
                raise ValidationError(
                    {"file": _("The file has more than %(n)d lines; split it.") % {"n": limit}}
                )
            table.append(row)
    except csv.Error as exc:
        raise ValidationError({"file": _("The CSV file cannot be read.")}) from exc
    while table and not any(cell.strip() for cell in table[0]):
        table.pop(0)
    if not table:
        raise ValidationError({"file": _("The file is empty.")})
    return table


@transaction.atomic
def reach_import(*, actor, platform: str, which: str, upload) -> ReachReport:
    """Fill the reach after 24 hours or after 7 days (`which`) of the actor's logged posts
    on `platform` from the platform's CSV export.

    A row is matched by its link to a post the actor writes for (a post of another primary
    is "not in the log", as if it did not exist); a row whose cell starts a formula, whose
    link is not the platform's or whose figure is not a number is refused with its reason.
    One transaction: a file refused as a whole changes nothing. Re-uploading the same file
    finds every figure unchanged."""
    if platform not in HEADERS or which not in (REACH_24H, REACH_7D):
        raise ValidationError(_("Choose the platform and the moment of the reach."))
    if not (upload.name or "").lower().endswith(".csv"):
        raise ValidationError({"file": _("Upload the CSV file the platform exported.")})
    try:
        check_size(upload, settings.PERVICHKA_REACH_IMPORT_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    table = _table(upload.read())
    link_at, value_at = _columns(table[0], platform)
    report = ReachReport(
        platform=platform,
        which=which,
        link_column=table[0][link_at].strip(),
        value_column=table[0][value_at].strip(),
    )
    wanted: dict[str, tuple[int, int]] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        link = row[link_at].strip() if link_at < len(row) else ""
        raw = row[value_at].strip() if value_at < len(row) else ""
        if any(cell.strip().startswith(FORMULA_TRIGGERS) for cell in (link, raw)):
            report.refused.append((number, _("The row holds a formula.")))
            continue
        try:
            url = post_url_normalise(platform, link)
        except ValidationError:
            report.refused.append(
                (number, _("Not a link to a post on %(platform)s.") % {
                    "platform": Platform(platform).label})
            )  # fmt: skip
            continue
        try:
            reach = _number(raw)
        except ValueError:
            report.refused.append(
                (number, _("The reach «%(value)s» is not a whole number.") % {"value": raw[:40]})
            )
            continue
        if url in wanted:
            report.refused.append(
                (number, _("The post is also in row %(row)d.") % {"row": wanted[url][0]})
            )
            continue
        wanted[url] = (number, reach)
    posts = {
        post.url: post
        for post in SocialPost.objects.visible_to(actor, Perm.MEDIA_WRITE)
        .filter(platform=platform, url__in=list(wanted))
        .select_for_update(of=("self",))
        .select_related("unit")
    }
    attribute = "reach_24h" if which == REACH_24H else "reach_7d"
    for url, (number, reach) in wanted.items():
        post = posts.get(url)
        if post is None:
            report.unmatched.append((number, url))
            continue
        old = getattr(post, attribute)
        if old == reach:
            report.unchanged += 1
            continue
        setattr(post, attribute, reach)
        save_as(post, actor, reason="reach import")
        report.matched.append((number, post, old, reach))
    for rows in (report.refused, report.unmatched):
        rows.sort()
    return report
