"""Writes of the media work: news items through their workflow, and the social post log.

Every write checks the actor's right at the item's unit (404 outside it), saves through
`core.history.save_as` (the item's history names who did what), and drops the portal's
cached pages after commit when what readers see has changed (`NEWS_COUNTER`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pervichka.accounts.selectors import users_with_perm_in
from pervichka.core import siteurl
from pervichka.core.calendar import add_working_days
from pervichka.core.counters import counter_bump
from pervichka.core.errors import CONTROL_CHARACTERS
from pervichka.core.history import save_as
from pervichka.core.idempotency import IdempotencyConflict, ensure_same_submission
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.services import notification_queue
from pervichka.media.enums import (
    AUTHOR_EDITABLE,
    MODERATOR_EDITABLE,
    PLATFORM_HOSTS,
    TRANSITIONS,
    NewsAction,
    NewsStatus,
    PhotoPeople,
    Platform,
)
from pervichka.media.models import (
    MessageKit,
    NewsItem,
    NewsPhoto,
    Partner,
    PartnerNews,
    SocialAccount,
    SocialPost,
)
from pervichka.media.sanitize import clean_html, image_renditions, personal_data_in, plain_text
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import district_of
from pervichka.people.enums import ConsentPurpose
from pervichka.people.models import Person
from pervichka.people.selectors import is_minor, open_consents

# The version of everything the portal shows about news: bumped when an item is published,
# changed while published, or withdrawn, so every cached page and feed is built afresh.
NEWS_COUNTER = "media:news-version"
# Units that write news: a primary, and the district for its own official items.
NEWS_UNIT_KINDS = (OrgKind.PRIMARY, OrgKind.DISTRICT)
# Statuses whose change the readers see.
_VISIBLE = frozenset({NewsStatus.PUBLISHED})


def _require(actor, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


def _readers_changed() -> None:
    transaction.on_commit(lambda: counter_bump(NEWS_COUNTER))


@dataclass
class NewsData:
    title: str
    title_kk: str
    lead: str
    lead_kk: str
    body: str
    body_kk: str
    title_en: str = ""
    lead_en: str = ""
    body_en: str = ""
    projects: list = field(default_factory=list)
    event: object | None = None
    related_url: str = ""


def _apply(item: NewsItem, data: NewsData, cover) -> None:
    for name in ("title", "title_kk", "title_en", "lead", "lead_kk", "lead_en", "related_url"):
        setattr(item, name, (getattr(data, name) or "").strip())
    item.body = clean_html(data.body)
    item.body_kk = clean_html(data.body_kk)
    item.body_en = clean_html(data.body_en)
    if data.event is not None and data.event.primary_id != item.unit_id:
        raise ValidationError({"event": _("Choose an event of the same organization.")})
    item.event = data.event
    if cover is not None:
        renditions = image_renditions(cover, max_bytes=settings.PERVICHKA_NEWS_PHOTO_MAX_BYTES)
        item.cover.save(f"n{item.unit_id}.jpg", renditions["cover"], save=False)
        item.cover_medium.save(f"n{item.unit_id}-m.jpg", renditions["medium"], save=False)
        item.cover_thumb.save(f"n{item.unit_id}-t.jpg", renditions["thumb"], save=False)
        # A new picture needs its own statement about the people in it.
        item.cover_people = ""
        item.cover_taken_down_at = None
        if item.pk:
            item.cover_persons.clear()


def news_create(
    *, actor, unit: OrgUnit, data: NewsData, cover=None, idempotency_key: str | None = None
) -> NewsItem:
    """A draft of `unit` (a primary, or a district's own item) written by `actor`.

    With an idempotency key (the API's), a retry returns the draft the first request made;
    the same key with other content, another unit or from another author is refused
    (IdempotencyConflict), never answered with somebody else's item."""
    _require(actor, Perm.MEDIA_WRITE, unit.path)
    if unit.kind not in NEWS_UNIT_KINDS:
        raise ValidationError({"unit": _("News is written for a primary or a district.")})
    if idempotency_key:
        existing = NewsItem.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_draft(existing, actor=actor, unit=unit, data=data)
    try:
        with transaction.atomic():
            item = NewsItem(unit=unit, author=actor, idempotency_key=idempotency_key or None)
            _apply(item, data, cover)
            item.full_clean(exclude=["cover", "cover_medium", "cover_thumb", "idempotency_key"])
            save_as(item, actor, reason="create")
            item.projects.set(data.projects)
            return item
    except IntegrityError:
        # The same key a moment ago in another request: answer with what that one made.
        existing = (
            idempotency_key and NewsItem.objects.filter(idempotency_key=idempotency_key).first()
        )
        if not existing:
            raise
        return _same_draft(existing, actor=actor, unit=unit, data=data)


def _same_draft(existing: NewsItem, *, actor, unit: OrgUnit, data: NewsData) -> NewsItem:
    if existing.author_id != actor.pk or existing.unit_id != unit.pk:
        raise IdempotencyConflict()
    ensure_same_submission(
        {name: getattr(existing, name) for name in ("title", "title_kk", "lead", "lead_kk")},
        {name: getattr(data, name) for name in ("title", "title_kk", "lead", "lead_kk")},
    )
    return existing


@transaction.atomic
def news_update(*, actor, item: NewsItem, data: NewsData, cover=None) -> NewsItem:
    """Change the text: the author while it is a draft or sent back, a moderator until it
    is archived. A published item changed is shown changed at once."""
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    _require_editable(actor, item)
    _apply(item, data, cover)
    item.full_clean(exclude=["cover", "cover_medium", "cover_thumb"])
    if item.status == NewsStatus.PUBLISHED:
        _refuse_personal_data(item)
    save_as(item, actor, reason="edit")
    item.projects.set(data.projects)
    if item.status in _VISIBLE:
        _readers_changed()
    return item


def _require_editable(actor, item: NewsItem) -> None:
    """The author changes an item while it is theirs, a moderator until it is archived."""
    _require(actor, Perm.MEDIA_WRITE, item.unit.path)
    moderator = has_perm_at(actor, Perm.MEDIA_MODERATE, item.unit.path)
    allowed = MODERATOR_EDITABLE if moderator else AUTHOR_EDITABLE
    if item.status not in allowed:
        raise ValidationError(
            _("An item that is «%(status)s» cannot be changed.")
            % {"status": item.get_status_display()}
        )


def _refuse_personal_data(item: NewsItem) -> None:
    findings = personal_data_in(
        item.title, item.title_kk, item.title_en,
        item.lead, item.lead_kk, item.lead_en,
        item.body, item.body_kk, item.body_en,
    )  # fmt: skip
    if findings:
        kinds = {
            "iin": _("an IIN (%(tail)s)"),
            "phone": _("a mobile phone number (%(tail)s)"),
        }
        named = ", ".join(kinds[f.kind] % {"tail": f.text} for f in findings)
        raise ValidationError(
            _(
                "The text holds personal data: %(found)s. Remove it, or write the office's "
                "number instead of a person's."
            )
            % {"found": named}
        )


@transaction.atomic
def news_act(
    *,
    actor,
    item: NewsItem,
    action: str,
    note: str = "",
    publish_at: dt.datetime | None = None,
) -> NewsItem:
    """Move the item along its workflow (`enums.TRANSITIONS`).

    Submitting sets the moderation deadline (working days from settings) and tells the
    district's moderators; the moderators' decisions tell the author. Submitting, approving,
    scheduling and publishing are refused while the text holds an IIN or a mobile number."""
    # The row lock keeps two moderators from deciding the same item at once.
    item = NewsItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
    if action not in TRANSITIONS:
        raise Http404
    sources, target, who = TRANSITIONS[action]
    perm = Perm.MEDIA_MODERATE if who == "moderator" else Perm.MEDIA_WRITE
    _require(actor, Perm.MEDIA_VIEW, item.unit.path)
    _require(actor, perm, item.unit.path)
    if item.status not in sources:
        raise ValidationError(
            _("An item that is «%(status)s» cannot be moved by «%(action)s».")
            % {"status": item.get_status_display(), "action": NewsAction(action).label}
        )
    note = (note or "").strip()
    now = timezone.now()
    if action in (NewsAction.SUBMIT, NewsAction.APPROVE, NewsAction.SCHEDULE, NewsAction.PUBLISH):
        _refuse_personal_data(item)
        _refuse_unstated_photos(item)
    if action == NewsAction.SUBMIT:
        item.submitted_at = now
        item.due_on = add_working_days(
            timezone.localdate(now), settings.PERVICHKA_NEWS_MODERATION_DAYS
        )
    elif action == NewsAction.REQUEST_CHANGES and not note:
        raise ValidationError({"note": _("Tell the author what to change.")})
    elif action == NewsAction.SCHEDULE:
        if publish_at is not None and timezone.is_naive(publish_at):
            # A moment given without its offset (the API) is the branch's local time.
            publish_at = timezone.make_aware(publish_at)
        if publish_at is None or publish_at <= now:
            raise ValidationError({"publish_at": _("Choose a moment in the future.")})
        item.publish_at = publish_at
    elif action == NewsAction.PUBLISH:
        item.published_at = item.published_at or now
    was_visible = item.status in _VISIBLE
    item.status = target
    item.status_note = note
    save_as(item, actor, reason=f"{action}: {note}" if note else action)
    if was_visible or target in _VISIBLE:
        _readers_changed()
    _notify(item, action)
    return item


def news_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish the scheduled items whose moment has come (a periodic task). Returns how many."""
    now = now or timezone.now()
    published = 0
    for pk in NewsItem.objects.filter(status=NewsStatus.SCHEDULED, publish_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            item = (
                NewsItem.objects.select_for_update()
                .filter(pk=pk, status=NewsStatus.SCHEDULED)
                .first()
            )
            if item is None:
                continue
            item.status = NewsStatus.PUBLISHED
            item.published_at = item.publish_at
            save_as(item, None, reason="publish: scheduled")
            _readers_changed()
            _notify(item, NewsAction.PUBLISH)
            published += 1
    return published


_AUTHOR_TEXTS = {
    NewsAction.REQUEST_CHANGES: gettext_lazy("Your news item «%(title)s» needs changes: %(note)s"),
    NewsAction.APPROVE: gettext_lazy("Your news item «%(title)s» is approved."),
    NewsAction.PUBLISH: gettext_lazy("Your news item «%(title)s» is published: %(link)s"),
    NewsAction.UNPUBLISH: gettext_lazy("Your news item «%(title)s» was withdrawn: %(note)s"),
}


def _notify(item: NewsItem, action: str) -> None:
    """E-mails through the outbox, sent after commit and retried there."""
    site = siteurl.site_url()
    if action == NewsAction.SUBMIT:
        link = site + reverse("media:item", args=[item.pk])
        for moderator in users_with_perm_in(Perm.MEDIA_MODERATE, item.unit):
            notification_queue(
                channel="email",
                to=moderator.email,
                subject=_("News to moderate"),
                body=_("«%(title)s» waits for moderation until %(due)s: %(link)s")
                % {"title": item.title, "due": item.due_on, "link": link},
                kind="media.submitted",
                ref=f"news:{item.pk}",
            )
    elif action in _AUTHOR_TEXTS:
        link = site + reverse("public:news_item", args=[item.pk])
        notification_queue(
            channel="email",
            to=item.author.email,
            subject=_("Your news item"),
            body=str(_AUTHOR_TEXTS[action])
            % {"title": item.title, "note": item.status_note, "link": link},
            kind=f"media.{action}",
            ref=f"news:{item.pk}",
        )


# Photos: the gallery and the people in the pictures ----------------------------------------


def _statement_problems(item: NewsItem, people: str, persons) -> list[str]:
    """What is wrong with a statement about the people in a photo of `item` (empty: none).

    "Identifiable people" must name them, each kept in the item's district and with an
    open consent to the publication of photos; for a person under 18 (by the birth date
    of their IIN) that consent must name the parent or legal representative who gave it."""
    persons = list(persons)
    if people not in PhotoPeople.values:
        return [_("Say whether the photo shows identifiable people.")]
    if people == PhotoPeople.NONE:
        if persons:
            return [_("The photo shows no identifiable people: name nobody.")]
        return []
    if not persons:
        return [_("Name the people in the photo whose consent is on file.")]
    district = district_of(item.unit)
    consents = open_consents([p.pk for p in persons], ConsentPurpose.PHOTOS)
    today = timezone.localdate()
    problems = []
    for person in persons:
        consent = consents.get(person.pk)
        if consent is None or not person.unit.path.startswith(district.path):
            problems.append(
                _("%(name)s has no consent to the publication of photos on file.")
                % {"name": person.full_name}
            )
        elif is_minor(person, today) and not consent.representative:
            problems.append(
                _(
                    "%(name)s is under 18: the consent must be given by a parent or legal "
                    "representative, named in the consent register."
                )
                % {"name": person.full_name}
            )
    return problems


def _refuse_unstated_photos(item: NewsItem) -> None:
    """Submission (and every step towards publication) is refused while the cover or a
    gallery photo shown to readers has no statement, or names a person without consent."""
    problems = []
    if item.cover and item.cover_taken_down_at is None:
        for problem in _statement_problems(item, item.cover_people, item.cover_persons.all()):
            problems.append(_("Cover: %(problem)s") % {"problem": problem})
    photos = item.photos.filter(taken_down_at__isnull=True).prefetch_related("persons__unit")
    for number, photo in enumerate(photos, start=1):
        for problem in _statement_problems(item, photo.people, photo.persons.all()):
            problems.append(
                _("Photo %(number)d: %(problem)s") % {"number": number, "problem": problem}
            )
    if problems:
        raise ValidationError(problems)


def _check_statement(item: NewsItem, people: str, persons) -> None:
    """An empty statement may wait until submission; a given one must hold."""
    if people or list(persons):
        problems = _statement_problems(item, people, persons)
        if problems:
            raise ValidationError({"people": problems})


def _photos_changed(item: NewsItem, actor, reason: str) -> None:
    """The item's history notes the change; readers see it at once if it is published."""
    save_as(item, actor, reason=reason)
    if item.status in _VISIBLE:
        _readers_changed()


@transaction.atomic
def cover_state(*, actor, item: NewsItem, people: str, persons: list[Person]) -> NewsItem:
    """The author's statement about the people in the cover (see `_statement_problems`)."""
    item = NewsItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
    _require_editable(actor, item)
    if not item.cover:
        raise ValidationError(_("The item has no cover."))
    _check_statement(item, people, persons)
    item.cover_people = people
    item.cover_persons.set(persons)
    _photos_changed(item, actor, "cover: people stated")
    return item


@transaction.atomic
def photo_add(
    *,
    actor,
    item: NewsItem,
    upload,
    caption: str = "",
    caption_kk: str = "",
    people: str = "",
    persons: list[Person] | None = None,
) -> NewsPhoto:
    """Add a photo at the end of the gallery: re-encoded without metadata into renditions
    like the cover; at most PERVICHKA_NEWS_GALLERY_MAX_PHOTOS photos per item."""
    item = NewsItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
    _require_editable(actor, item)
    persons = list(persons or [])
    limit = settings.PERVICHKA_NEWS_GALLERY_MAX_PHOTOS
    count = item.photos.count()
    if count >= limit:
        raise ValidationError(
            {"upload": _("A gallery holds at most %(limit)d photos.") % {"limit": limit}}
        )
    _check_statement(item, people, persons)
    try:
        renditions = image_renditions(upload, max_bytes=settings.PERVICHKA_NEWS_PHOTO_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"upload": exc.messages}) from exc
    last = item.photos.order_by("-position").values_list("position", flat=True).first()
    photo = NewsPhoto(
        news_item=item,
        position=(last or 0) + 1 if count else 1,
        caption=(caption or "").strip(),
        caption_kk=(caption_kk or "").strip(),
        people=people,
        created_by=actor,
    )
    photo.image.save(f"g{item.pk}.jpg", renditions["cover"], save=False)
    photo.image_medium.save(f"g{item.pk}-m.jpg", renditions["medium"], save=False)
    photo.image_thumb.save(f"g{item.pk}-t.jpg", renditions["thumb"], save=False)
    photo.full_clean(exclude=["image", "image_medium", "image_thumb", "news_item", "created_by"])
    photo.save()
    photo.persons.set(persons)
    _photos_changed(item, actor, "gallery: photo added")
    return photo


@transaction.atomic
def photo_update(
    *,
    actor,
    photo: NewsPhoto,
    caption: str,
    caption_kk: str,
    position: int,
    people: str,
    persons: list[Person],
) -> NewsPhoto:
    """Change a photo's caption, place in the gallery or the statement about its people."""
    item = NewsItem.objects.select_for_update().select_related("unit").get(pk=photo.news_item_id)
    _require_editable(actor, item)
    photo = NewsPhoto.objects.get(pk=photo.pk)
    _check_statement(item, people, persons)
    photo.caption = (caption or "").strip()
    photo.caption_kk = (caption_kk or "").strip()
    photo.position = position
    photo.people = people
    photo.full_clean(exclude=["image", "image_medium", "image_thumb", "news_item", "created_by"])
    photo.save()
    photo.persons.set(persons)
    _photos_changed(item, actor, "gallery: photo changed")
    return photo


@transaction.atomic
def photo_remove(*, actor, photo: NewsPhoto) -> None:
    """Take a photo out of the gallery (its files go with it once the transaction commits)."""
    item = NewsItem.objects.select_for_update().select_related("unit").get(pk=photo.news_item_id)
    _require_editable(actor, item)
    photo = NewsPhoto.objects.get(pk=photo.pk)
    files = [photo.image, photo.image_medium, photo.image_thumb]
    photo.delete()
    _photos_changed(item, actor, "gallery: photo removed")
    transaction.on_commit(lambda: [f.delete(save=False) for f in files if f])


def photos_take_down(*, person_id: int, actor=None) -> int:
    """A person withdrew their consent to the publication of photos: every cover and gallery
    photo naming them is taken down at once (hidden from the item pages, the feeds, the Open
    Graph tags and the gallery), each item's history notes it, the cached pages are dropped
    and the moderators (and the author) are told. Runs inside the withdrawal's transaction
    (`people.signals.consent_withdrawn`). Returns how many pictures were taken down."""
    now = timezone.now()
    photos = list(
        NewsPhoto.objects.select_for_update(of=("self",))
        .filter(persons=person_id, taken_down_at__isnull=True)
        .values_list("pk", "news_item_id")
    )
    covers = list(
        NewsItem.objects.filter(cover_persons=person_id, cover_taken_down_at__isnull=True)
        .exclude(cover="")
        .values_list("pk", flat=True)
    )
    NewsPhoto.objects.filter(pk__in=[pk for pk, _item in photos]).update(taken_down_at=now)
    counts: dict[int, int] = {}
    for _pk, item_id in photos:
        counts[item_id] = counts.get(item_id, 0) + 1
    for item_id in covers:
        counts[item_id] = counts.get(item_id, 0) + 1
    for item in (
        NewsItem.objects.select_for_update(of=("self",))
        .select_related("unit", "author")
        .filter(pk__in=counts)
    ):
        if item.pk in covers:
            item.cover_taken_down_at = now
        save_as(item, actor, reason=f"photos taken down ({counts[item.pk]}): consent withdrawn")
        _notify_taken_down(item, counts[item.pk])
    if counts:
        _readers_changed()
    return sum(counts.values())


def _notify_taken_down(item: NewsItem, count: int) -> None:
    link = siteurl.site_url() + reverse("media:item", args=[item.pk])
    recipients = {u.email for u in users_with_perm_in(Perm.MEDIA_MODERATE, item.unit)}
    recipients.add(item.author.email)
    for email in sorted(e for e in recipients if e):
        notification_queue(
            channel="email",
            to=email,
            subject=_("Photos taken down"),
            body=_(
                "%(count)d photo(s) of «%(title)s» were taken down: a person in them "
                "withdrew consent to the publication of photos. %(link)s"
            )
            % {"count": count, "title": item.title, "link": link},
            kind="media.photos_taken_down",
            ref=f"news:{item.pk}",
        )


# Social networks ---------------------------------------------------------------------------


def post_url_normalise(platform: str, url: str) -> str:
    """The post's address in one form (https, lower-case host, no query, no fragment, no
    trailing slash); ValidationError when it is not an address on the platform's site."""
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    hosts = PLATFORM_HOSTS.get(platform, ())
    if parts.scheme not in ("http", "https") or not any(
        host == h or host.endswith("." + h) for h in hosts
    ):
        raise ValidationError(
            {
                "url": _("This is not a link to a post on %(platform)s.")
                % {"platform": Platform(platform).label if platform in Platform.values else "?"}
            }
        )
    path = parts.path.rstrip("/")
    if not path:
        raise ValidationError({"url": _("Give the link to the post, not to the site.")})
    return urlunsplit(("https", host, path, "", ""))


@transaction.atomic
def account_add(*, actor, unit: OrgUnit, platform: str, url: str) -> SocialAccount:
    """Record an account of `unit` on a network; the address must be on that network's site."""
    _require(actor, Perm.MEDIA_WRITE, unit.path)
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if parts.scheme not in ("http", "https") or not any(
        host == h or host.endswith("." + h) for h in PLATFORM_HOSTS.get(platform, ())
    ):
        raise ValidationError(
            {
                "url": _("This is not an address on %(platform)s.")
                % {"platform": Platform(platform).label if platform in Platform.values else "?"}
            }
        )
    normalised = urlunsplit(("https", host, parts.path.rstrip("/"), "", ""))
    if SocialAccount.objects.filter(unit=unit, url=normalised).exists():
        raise ValidationError({"url": _("This account is already recorded.")})
    account = SocialAccount(unit=unit, platform=platform, url=normalised)
    account.save()
    return account


@transaction.atomic
def post_log(
    *,
    actor,
    unit: OrgUnit,
    platform: str,
    url: str,
    posted_on: dt.date,
    news_item: NewsItem | None = None,
    kit: MessageKit | None = None,
    reach_24h: int | None = None,
    reach_7d: int | None = None,
) -> SocialPost:
    """Log a post of `unit`; a link logged before is refused. With `kit`, the post is the
    unit's pick-up of the district's message of the week."""
    _require(actor, Perm.MEDIA_WRITE, unit.path)
    if posted_on > timezone.localdate():
        raise ValidationError({"posted_on": _("The date is in the future.")})
    if news_item is not None and district_of(news_item.unit) != district_of(unit):
        raise ValidationError({"news_item": _("Choose a news item of this district.")})
    if kit is not None:
        if unit.kind != OrgKind.PRIMARY or not unit.path.startswith(kit.district.path):
            raise ValidationError({"unit": _("Choose a primary of the kit's district.")})
        # A kit may be sent before its week starts; a post a week before that is another one.
        if posted_on < kit.week - dt.timedelta(days=7):
            raise ValidationError(
                {"posted_on": _("The post is older than the message of the week.")}
            )
    post = SocialPost(
        unit=unit,
        platform=platform,
        url=post_url_normalise(platform, url),
        posted_on=posted_on,
        news_item=news_item,
        kit=kit,
        reach_24h=reach_24h,
        reach_7d=reach_7d,
        created_by=actor,
    )
    if SocialPost.objects.filter(url=post.url).exists():
        raise ValidationError({"url": _("This post is already in the log.")})
    try:
        with transaction.atomic():
            save_as(post, actor)
    except IntegrityError as exc:  # logged by someone else a moment ago
        raise ValidationError({"url": _("This post is already in the log.")}) from exc
    return post


@transaction.atomic
def post_reach(
    *, actor, post: SocialPost, reach_24h: int | None, reach_7d: int | None
) -> SocialPost:
    """Record the reach of a logged post."""
    post = SocialPost.objects.select_for_update().select_related("unit").get(pk=post.pk)
    _require(actor, Perm.MEDIA_WRITE, post.unit.path)
    post.reach_24h, post.reach_7d = reach_24h, reach_7d
    save_as(post, actor)
    return post


# The message of the week -------------------------------------------------------------------

HASHTAG = re.compile(r"#?([^\W_][\w]{0,49})")
MAX_HASHTAGS = 10


def hashtags_normalise(value: str) -> str:
    """The suggested hashtags as `#one #two`: words of letters, digits and underscores,
    separated by spaces or commas, at most ten; anything else is refused."""
    tags: list[str] = []
    for word in re.split(r"[\s,;]+", (value or "").strip()):
        if not word:
            continue
        match = HASHTAG.fullmatch(word)
        if match is None:
            raise ValidationError(
                {"hashtags": _("«%(tag)s» is not a hashtag (letters, digits, _).") % {"tag": word}}
            )
        tag = "#" + match.group(1)
        if tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    if len(tags) > MAX_HASHTAGS:
        raise ValidationError(
            {"hashtags": _("Suggest at most %(n)d hashtags.") % {"n": MAX_HASHTAGS}}
        )
    return " ".join(tags)


@dataclass
class KitData:
    week: dt.date
    title: str
    text: str
    text_kk: str
    hashtags: str = ""


@transaction.atomic
def kit_create(*, actor, district: OrgUnit, data: KitData, picture=None) -> MessageKit:
    """The district's message of the week for the week holding `data.week` (one a week).

    Written by whoever moderates the district's news (its press secretary, an
    administrator). The texts are plain text and may hold no IIN or private phone; the
    picture is re-encoded without its metadata (GPS included)."""
    _require(actor, Perm.MEDIA_MODERATE, district.path)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError({"district": _("The message of the week is the district's.")})
    today = timezone.localdate()
    week = data.week - dt.timedelta(days=data.week.weekday())
    if not today - dt.timedelta(days=366) <= week <= today + dt.timedelta(days=366):
        raise ValidationError({"week": _("Choose a week within a year from today.")})
    kit = MessageKit(
        district=district,
        week=week,
        title=plain_text(clean_html(data.title)).strip(),
        text=plain_text(clean_html(data.text)).strip(),
        text_kk=plain_text(clean_html(data.text_kk)).strip(),
        hashtags=hashtags_normalise(data.hashtags),
        created_by=actor,
    )
    if not (kit.title and kit.text and kit.text_kk):
        raise ValidationError(_("Write the topic and the text in Russian and Kazakh."))
    findings = personal_data_in(kit.title, kit.text, kit.text_kk)
    if findings:
        raise ValidationError(
            {"text": _("The text holds personal data (%(found)s); remove it.")
             % {"found": ", ".join(f.text for f in findings)}}
        )  # fmt: skip
    if MessageKit.objects.filter(district=district, week=week).exists():
        raise ValidationError({"week": _("The district already has a message for this week.")})
    if picture is not None:
        renditions = image_renditions(picture)
        kit.picture.save(f"k{district.pk}.jpg", renditions["cover"], save=False)
        kit.picture_thumb.save(f"k{district.pk}-t.jpg", renditions["thumb"], save=False)
    kit.full_clean(exclude=["picture", "picture_thumb"])
    try:
        with transaction.atomic():
            save_as(kit, actor, reason="create")
    except IntegrityError as exc:  # the same week written a moment ago
        raise ValidationError(
            {"week": _("The district already has a message for this week.")}
        ) from exc
    return kit


def kit_use(
    *, actor, kit: MessageKit, primary: OrgUnit, platform: str, url: str, posted_on: dt.date
) -> SocialPost:
    """Mark that `primary` posted the message of the week: the post is logged in the post
    log tied to the kit (its link checked against the platform, a link logged before
    refused), and counts for the kit-picked-up KPI. 404 unless the actor writes for the
    primary."""
    _require(actor, Perm.MEDIA_WRITE, primary.path)
    return post_log(
        actor=actor, unit=primary, platform=platform, url=url, posted_on=posted_on, kit=kit
    )


# Partners of the district ------------------------------------------------------------------

# How long a partner's news item stays on the portal unless the district says otherwise.
PARTNER_NEWS_DAYS = 14


@dataclass
class PartnerData:
    name: str
    name_kk: str
    url: str
    position: int = 0


@dataclass
class PartnerNewsData:
    title: str
    title_kk: str
    url: str
    on_date: dt.date
    days: int = PARTNER_NEWS_DAYS


def _plain(value: str, field_name: str) -> str:
    """A one-line text as typed (escaped when shown), refused when it holds control characters."""
    value = (value or "").strip()
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            {field_name: _("The text holds invisible control characters (such as NUL).")}
        )
    return value


def partner_url(value: str, field_name: str = "url") -> str:
    """An external link the portal may show: http or https with a host, nothing else (no
    javascript:, data: or relative links)."""
    value = _plain(value, field_name)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError({field_name: _("Give a link that starts with http:// or https://.")})
    return value


def _require_district(actor, district: OrgUnit) -> None:
    _require(actor, Perm.MEDIA_MODERATE, district.path)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError({"district": _("Partners are the district's.")})


@transaction.atomic
def partner_save(
    *, actor, data: PartnerData, district: OrgUnit | None = None, partner: Partner | None = None
) -> Partner:
    """Adds a partner of the district (`district`) or changes one (`partner`). Written by
    whoever moderates the district's news; the portal's cached pages are built afresh."""
    if partner is None:
        if district is None:
            raise ValueError("district or partner")
        partner = Partner(district=district)
    _require_district(actor, partner.district)
    partner.name = _plain(data.name, "name")
    partner.name_kk = _plain(data.name_kk, "name_kk")
    partner.url = partner_url(data.url)
    if not (partner.name and partner.name_kk):
        raise ValidationError(_("Write the partner's name in Russian and Kazakh."))
    if not 0 <= data.position <= 999:
        raise ValidationError({"position": _("Choose a position from 0 to 999.")})
    partner.position = data.position
    partner.full_clean()
    save_as(partner, actor)
    _readers_changed()
    return partner


@transaction.atomic
def partner_set_active(*, actor, partner: Partner, active: bool) -> Partner:
    """Takes a partner off the portal (its news with it), or puts it back."""
    _require_district(actor, partner.district)
    if partner.is_active != active:
        partner.is_active = active
        save_as(partner, actor)
        _readers_changed()
    return partner


@transaction.atomic
def partner_news_add(*, actor, partner: Partner, data: PartnerNewsData) -> PartnerNews:
    """A partner's news item, shown on the portal from its date for `data.days` days."""
    _require_district(actor, partner.district)
    today = timezone.localdate()
    if not today - dt.timedelta(days=366) <= data.on_date <= today + dt.timedelta(days=366):
        raise ValidationError({"on_date": _("Choose a date within a year from today.")})
    if not 1 <= data.days <= 366:
        raise ValidationError({"days": _("Choose from 1 to 366 days.")})
    news = PartnerNews(
        partner=partner,
        title=_plain(data.title, "title"),
        title_kk=_plain(data.title_kk, "title_kk"),
        url=partner_url(data.url),
        on_date=data.on_date,
        shown_until=data.on_date + dt.timedelta(days=data.days),
    )
    if not (news.title and news.title_kk):
        raise ValidationError(_("Write the title in Russian and Kazakh."))
    news.full_clean()
    news.save()
    _readers_changed()
    return news


@transaction.atomic
def partner_news_remove(*, actor, news: PartnerNews) -> None:
    _require_district(actor, news.partner.district)
    news.delete()
    _readers_changed()
