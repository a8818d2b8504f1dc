"""News over the API: the public read of published news (/api/v1/public/news, no login) and
the newsroom for staff (/api/v1/media): write, edit and move items along their workflow
through the same services as the pages, in the caller's scope (404 outside it)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core import siteurl
from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere
from pervichka.media import selectors, services
from pervichka.media.enums import NewsAction, NewsStatus
from pervichka.media.models import NewsItem

router = Router(tags=["media"])
public_router = Router(tags=["public"], auth=None)
ID = Query(0, ge=0, le=2_147_483_647, description="0: any")
MONTH = Query("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM; empty: any")


class PublicNewsOut(Schema):
    id: int
    url: str
    unit_id: int
    unit_name: str
    title: str
    title_kk: str
    title_en: str
    lead: str
    lead_kk: str
    lead_en: str
    body: str = Field(..., description="sanitised HTML")
    body_kk: str
    body_en: str
    projects: list[str] = Field(..., description="the project tags, by code")
    cover: str | None = Field(..., description="the cover's address (re-encoded, no EXIF)")
    cover_thumb: str | None
    published_at: dt.datetime


class NewsOut(Schema):
    id: int
    unit_id: int
    author_id: int
    status: NewsStatus
    status_note: str
    title: str
    title_kk: str
    title_en: str
    lead: str
    lead_kk: str
    lead_en: str
    body: str
    body_kk: str
    body_en: str
    projects: list[str]
    event_id: int | None
    related_url: str
    has_cover: bool
    submitted_at: dt.datetime | None
    due_on: dt.date | None
    publish_at: dt.datetime | None
    published_at: dt.datetime | None
    updated_at: dt.datetime


class NewsIn(Schema):
    unit_id: int = Field(..., ge=1, le=2_147_483_647)
    title: str = Field(..., min_length=1, max_length=200)
    title_kk: str = Field(..., min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    lead: str = Field(..., min_length=1, max_length=400)
    lead_kk: str = Field(..., min_length=1, max_length=400)
    lead_en: str = Field("", max_length=400)
    body: str = Field(..., min_length=1, max_length=50_000)
    body_kk: str = Field(..., min_length=1, max_length=50_000)
    body_en: str = Field("", max_length=50_000)
    projects: list[str] = Field([], max_length=20, description="project codes")
    event_id: int | None = Field(None, ge=1, le=2_147_483_647)
    related_url: str = Field("", max_length=500)


class NewsPatch(Schema):
    """The fields to change; the others keep their values."""

    title: str | None = Field(None, min_length=1, max_length=200)
    title_kk: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    lead: str | None = Field(None, min_length=1, max_length=400)
    lead_kk: str | None = Field(None, min_length=1, max_length=400)
    lead_en: str | None = Field(None, max_length=400)
    body: str | None = Field(None, min_length=1, max_length=50_000)
    body_kk: str | None = Field(None, min_length=1, max_length=50_000)
    body_en: str | None = Field(None, max_length=50_000)
    projects: list[str] | None = Field(None, max_length=20)
    event_id: int | None = Field(None, ge=0, le=2_147_483_647, description="0: no event")
    related_url: str | None = Field(None, max_length=500)


class ActionIn(Schema):
    action: NewsAction
    note: str = Field("", max_length=2000)
    publish_at: dt.datetime | None = Field(None, description="for `schedule`")


class QueueOut(Schema):
    item: NewsOut
    age_days: int
    overdue: bool


TEXTS = ("title", "title_kk", "title_en", "lead", "lead_kk", "lead_en", "body", "body_kk",
         "body_en")  # fmt: skip


def _public_out(item: NewsItem) -> dict:
    def image(rendition: str) -> str | None:
        path = reverse("public:news_cover", args=[item.pk, rendition])
        return siteurl.absolute(path) if item.cover else None

    return {
        "id": item.pk,
        "url": siteurl.absolute(reverse("public:news_item", args=[item.pk])),
        "unit_id": item.unit_id,
        "unit_name": item.unit.display_name,
        **{name: getattr(item, name) for name in TEXTS},
        "projects": [p.code for p in item.projects.all()],
        "cover": image("cover"),
        "cover_thumb": image("thumb"),
        "published_at": item.published_at,
    }


def _out(item: NewsItem) -> dict:
    return {
        "id": item.pk,
        "unit_id": item.unit_id,
        "author_id": item.author_id,
        "status": item.status,
        "status_note": item.status_note,
        **{name: getattr(item, name) for name in TEXTS},
        "projects": [p.code for p in item.projects.all()],
        "event_id": item.event_id,
        "related_url": item.related_url,
        "has_cover": bool(item.cover),
        "submitted_at": item.submitted_at,
        "due_on": item.due_on,
        "publish_at": item.publish_at,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
    }


def _projects(codes: list[str]) -> list:
    """The projects named by their codes; an unknown code is a field error, not ignored."""
    codes = list(dict.fromkeys(codes))
    found = list(selectors.projects_for_tags().filter(code__in=codes))
    if len(found) != len(codes):
        raise ValidationError({"projects": _("Choose projects from the list.")})
    return found


# The public read ---------------------------------------------------------------------


@public_router.get("", response=list[PublicNewsOut], summary="Published news, newest first")
@paginate(Pagination)
def public_news(
    request,
    unit_id: int = Query(0, ge=0, le=2_147_483_647, description="a primary or a district; 0: all"),
    project: str = Query("", max_length=40, description="a project's code (its tag)"),
    month: str = MONTH,
):
    queryset = selectors.news_public_filtered(unit_id=unit_id, project=project, month=month)
    return MappedPage(queryset.prefetch_related("projects"), _public_out)


@public_router.get("/{news_id}", response=PublicNewsOut, summary="One published item")
def public_news_item(request, news_id: int):
    return _public_out(selectors.news_published_get(news_id))


# The newsroom --------------------------------------------------------------------------


@router.get("/news", response=list[NewsOut], summary="News items in the caller's scope")
@paginate(Pagination)
def list_news(request, status: NewsStatus | None = None, unit_id: int = ID):
    queryset = selectors.news_visible(actor(request))
    if status:
        queryset = queryset.filter(status=status)
    if unit_id:
        queryset = queryset.filter(unit_id=unit_id)
    return MappedPage(queryset.prefetch_related("projects"), _out)


@router.post(
    "/news",
    response={201: NewsOut, 200: NewsOut},
    summary="Write a draft (send Idempotency-Key to make retries safe; the cover through the page)",
)
def create_news(
    request, payload: NewsIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    user = actor(request)
    unit = get_or_404(selectors.writable_units(user), pk=payload.unit_id)
    key = (idempotency_key or "").strip()[:64] or None
    existed = bool(key) and selectors.news_with_key_exists(key)
    item = services.news_create(
        actor=user,
        unit=unit,
        data=services.NewsData(
            **{name: getattr(payload, name) for name in TEXTS},
            projects=_projects(payload.projects),
            event=selectors.event_of_unit(user, unit, payload.event_id),
            related_url=payload.related_url,
        ),
        idempotency_key=key,
    )
    return Status(200 if existed else 201, _out(item))


@router.get("/news/{news_id}", response=NewsOut, summary="One item with its status")
def get_news(request, news_id: int):
    return _out(selectors.news_get(actor(request), news_id))


@router.patch("/news/{news_id}", response=NewsOut, summary="Change the text")
def update_news(request, news_id: int, payload: NewsPatch):
    user = actor(request)
    item = selectors.news_get(user, news_id)
    if not selectors.can_write(user, item):
        raise Http404
    given = payload.dict(exclude_unset=True)
    texts = {name: given[name] if given.get(name) is not None else getattr(item, name)
             for name in TEXTS}  # fmt: skip
    projects = (
        _projects(given["projects"])
        if given.get("projects") is not None
        else list(item.projects.all())
    )
    if "event_id" in given:
        event = selectors.event_of_unit(user, item.unit, given["event_id"])
    else:
        event = item.event
    related = given.get("related_url")
    services.news_update(
        actor=user,
        item=item,
        data=services.NewsData(
            **texts,
            projects=projects,
            event=event,
            related_url=item.related_url if related is None else related,
        ),
    )
    return _out(selectors.news_get(user, news_id))


@router.post(
    "/news/{news_id}/actions",
    response=NewsOut,
    summary="Move the item along its workflow: submit, request_changes, approve, schedule, "
    "publish, unpublish, archive",
)
def act_on_news(request, news_id: int, payload: ActionIn):
    user = actor(request)
    item = selectors.news_get(user, news_id)
    services.news_act(
        actor=user,
        item=item,
        action=payload.action,
        note=payload.note,
        publish_at=payload.publish_at,
    )
    return _out(selectors.news_get(user, news_id))


@router.get("/queue", response=list[QueueOut], summary="Submitted items waiting for moderation")
def moderation_queue(request):
    user = actor(request)
    if not has_perm_anywhere(user, Perm.MEDIA_MODERATE):
        return []
    return [
        {"item": _out(row.item), "age_days": row.age_days, "overdue": row.overdue}
        for row in selectors.moderation_queue(user)
    ]
