"""The newsroom for staff: writing, the moderation queue, an item's workflow and history,
and the social post log. Thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere
from pervichka.media import reach, selectors, services, telegram
from pervichka.media.enums import (
    AUTHOR_EDITABLE,
    MODERATOR_EDITABLE,
    TRANSITIONS,
    NewsAction,
    NewsStatus,
)
from pervichka.media.forms import (
    AccountForm,
    ActForm,
    KitForm,
    KitUseForm,
    NewsForm,
    PartnerForm,
    PartnerNewForm,
    PartnerNewsForm,
    PhotoAddForm,
    PhotoForm,
    PhotoPeopleForm,
    PostForm,
    ReachImportForm,
)


def _need(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _news_form(request: HttpRequest, *, item=None, data=None, files=None) -> NewsForm:
    units = selectors.writable_units(request.user)
    initial = None
    if item is not None:
        units = units.filter(pk=item.unit_id)
        initial = {
            name: getattr(item, name)
            for name in (
                "title",
                "title_kk",
                "title_en",
                "lead",
                "lead_kk",
                "lead_en",
                "body",
                "body_kk",
                "body_en",
                "related_url",
            )
        }
        initial |= {"unit": item.unit, "event": item.event, "projects": list(item.projects.all())}
    else:
        # A correspondent writes for one primary: it is chosen for them.
        only = list(units[:2])
        initial = {"unit": only[0]} if len(only) == 1 else None
    return NewsForm(
        data,
        files,
        initial=initial,
        units=units,
        projects=selectors.projects_for_tags(),
        events=selectors.events_of_units(request.user, units.values_list("pk", flat=True)),
    )


def _data(cleaned: dict) -> services.NewsData:
    return services.NewsData(
        **{
            name: cleaned[name]
            for name in (
                "title",
                "title_kk",
                "title_en",
                "lead",
                "lead_kk",
                "lead_en",
                "body",
                "body_kk",
                "body_en",
                "related_url",
                "event",
            )
        },
        projects=list(cleaned["projects"]),
    )


@login_required
def news(request: HttpRequest) -> HttpResponse:
    _need(request.user, Perm.MEDIA_VIEW)
    items = selectors.news_visible(request.user)
    status = request.GET.get("status", "")
    if status in NewsStatus.values:
        items = items.filter(status=status)
    page = CappedPaginator(items, 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "media/staff/news.html",
        {
            "page": page,
            "status": status,
            "statuses": NewsStatus.choices,
            "can_write": has_perm_anywhere(request.user, Perm.MEDIA_WRITE),
            "kit": selectors.kit_current(request.user),
            "can_partners": selectors.partner_districts(request.user).exists(),
            "summary": selectors.queue_summary(request.user)
            if has_perm_anywhere(request.user, Perm.MEDIA_MODERATE)
            else None,
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _need(request.user, Perm.MEDIA_MODERATE)
    rows = selectors.moderation_queue(request.user)
    return render(request, "media/staff/queue.html", {"rows": rows})


@login_required
def news_new(request: HttpRequest) -> HttpResponse:
    _need(request.user, Perm.MEDIA_WRITE)
    form = _news_form(request, data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.news_create(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                data=_data(form.cleaned_data),
                cover=form.cleaned_data["cover"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("media:item", item.pk)
    return render(request, "media/staff/edit.html", {"form": form, "item": None})


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    moderator = selectors.can_moderate(request.user, news_item)
    writer = selectors.can_write(request.user, news_item)
    actions = [
        (name, NewsAction(name).label)
        for name, (sources, _target, who) in TRANSITIONS.items()
        if news_item.status in sources and (moderator if who == "moderator" else writer)
    ]
    editable = writer and news_item.status in (MODERATOR_EDITABLE if moderator else AUTHOR_EDITABLE)
    persons = selectors.photo_people_choices([news_item.unit]) if editable else None
    photos = list(selectors.photos_of(news_item))
    gallery = [
        (
            photo,
            PhotoForm(
                prefix=f"photo-{photo.pk}",
                persons=persons,
                initial={
                    "caption": photo.caption,
                    "caption_kk": photo.caption_kk,
                    "position": photo.position,
                    "people": photo.people,
                    "persons": list(photo.persons.all()),
                },
            )
            if editable
            else None,
        )
        for photo in photos
    ]
    return render(
        request,
        "media/staff/item.html",
        {
            "item": news_item,
            "editable": editable,
            "gallery": gallery,
            "cover_persons": list(news_item.cover_persons.all()) if news_item.cover else [],
            "cover_form": PhotoPeopleForm(
                prefix="cover",
                persons=persons,
                initial={
                    "people": news_item.cover_people,
                    "persons": list(news_item.cover_persons.all()),
                },
            )
            if editable and news_item.cover
            else None,
            "add_form": PhotoAddForm(prefix="add", persons=persons) if editable else None,
            "actions": actions,
            "act_form": ActForm(),
            "history": selectors.news_history(news_item)[:50],
            "can_edit": writer,
            "channels": telegram.telegram_channels(news_item)
            if moderator and news_item.status == NewsStatus.PUBLISHED
            else [],
            "telegram_posts": selectors.telegram_posts_of(news_item),
            "overdue": news_item.status == NewsStatus.SUBMITTED
            and news_item.due_on
            and news_item.due_on < timezone.localdate(),
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    if not selectors.can_write(request.user, news_item):
        raise Http404
    form = _news_form(
        request, item=news_item, data=request.POST or None, files=request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.news_update(
                actor=request.user,
                item=news_item,
                data=_data(form.cleaned_data),
                cover=form.cleaned_data["cover"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("media:item", news_item.pk)
    return render(request, "media/staff/edit.html", {"form": form, "item": news_item})


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("media:item", news_item.pk)
    try:
        services.news_act(
            actor=request.user,
            item=news_item,
            action=action,
            note=form.cleaned_data["note"],
            publish_at=form.cleaned_data["publish_at"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": NewsAction(action).label})
    return redirect("media:item", news_item.pk)


@login_required
def cover(request: HttpRequest, pk: int, rendition: str) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    field = {
        "cover": news_item.cover,
        "medium": news_item.cover_medium,
        "thumb": news_item.cover_thumb,
    }.get(rendition)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), content_type="image/jpeg")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@login_required
@require_POST
def cover_people(request: HttpRequest, pk: int) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    form = PhotoPeopleForm(
        request.POST, prefix="cover", persons=selectors.photo_people_choices([news_item.unit])
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("media:item", news_item.pk)
    try:
        services.cover_state(actor=request.user, item=news_item, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The statement about the cover is saved."))
    return redirect("media:item", news_item.pk)


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    form = PhotoAddForm(
        request.POST,
        request.FILES,
        prefix="add",
        persons=selectors.photo_people_choices([news_item.unit]),
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("media:item", news_item.pk)
    try:
        services.photo_add(actor=request.user, item=news_item, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The photo is added to the gallery."))
    return redirect("media:item", news_item.pk)


@login_required
@require_POST
def photo_edit(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    found = selectors.photo_get(request.user, pk, photo)
    form = PhotoForm(
        request.POST,
        prefix=f"photo-{found.pk}",
        persons=selectors.photo_people_choices([found.news_item.unit]),
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("media:item", pk)
    data = form.cleaned_data
    try:
        services.photo_update(
            actor=request.user,
            photo=found,
            caption=data["caption"],
            caption_kk=data["caption_kk"],
            position=found.position if data["position"] is None else data["position"],
            people=data["people"],
            persons=list(data["persons"]),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The photo is saved."))
    return redirect("media:item", pk)


@login_required
@require_POST
def photo_remove(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    found = selectors.photo_get(request.user, pk, photo)
    try:
        services.photo_remove(actor=request.user, photo=found)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The photo is removed from the gallery."))
    return redirect("media:item", pk)


@login_required
def photo_image(request: HttpRequest, pk: int, photo: int, rendition: str) -> HttpResponse:
    """A gallery photo for staff; a taken-down one is not shown to anyone."""
    found = selectors.photo_get(request.user, pk, photo)
    if found.taken_down_at is not None:
        raise Http404
    field = {
        "cover": found.image,
        "medium": found.image_medium,
        "thumb": found.image_thumb,
    }.get(rendition)
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), content_type="image/jpeg")


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    _need(request.user, Perm.MEDIA_VIEW)
    today = timezone.localdate()
    units = selectors.writable_units(request.user)
    is_account = request.POST.get("kind") == "account"
    form = PostForm(
        None if is_account else (request.POST or None), units=units, initial={"posted_on": today}
    )
    account_form = AccountForm(request.POST if is_account else None, units=units, prefix="account")
    if request.method == "POST" and is_account:
        _need(request.user, Perm.MEDIA_WRITE)
        if account_form.is_valid():
            try:
                services.account_add(actor=request.user, **account_form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(account_form, exc)
            else:
                messages.success(request, _("The account is recorded."))
                return redirect("media:posts")
    elif request.method == "POST":
        _need(request.user, Perm.MEDIA_WRITE)
        if form.is_valid():
            try:
                services.post_log(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The post is logged."))
                return redirect("media:posts")
    month = request.GET.get("month", "")
    try:
        year_s, month_s = month.split("-")
        year, mon = int(year_s), int(month_s)
        if not (2000 <= year <= 2100 and 1 <= mon <= 12):
            raise ValueError
    except ValueError:
        year, mon = today.year, today.month
    page = CappedPaginator(selectors.posts_visible(request.user), 50).get_page(
        request.GET.get("page") or 1
    )
    return render(
        request,
        "media/staff/posts.html",
        {
            "form": form,
            "account_form": account_form,
            "accounts": selectors.accounts_visible(request.user),
            "page": page,
            "summary": selectors.posts_monthly_summary(request.user, year=year, month=mon),
            "month": f"{year:04d}-{mon:02d}",
            "can_write": units.exists(),
        },
    )


@login_required
@require_POST
def telegram_post(request: HttpRequest, pk: int) -> HttpResponse:
    news_item = selectors.news_get(request.user, pk)
    try:
        telegram.telegram_post_request(
            actor=request.user, item=news_item, chat=request.POST.get("chat", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The item is sent to Telegram."))
    return redirect("media:item", news_item.pk)


# The message of the week -------------------------------------------------------------------


@login_required
def kits(request: HttpRequest) -> HttpResponse:
    """The district's messages of the week: a primary sees what it is sent and marks its use;
    the district sees how many primaries picked each up."""
    _need(request.user, Perm.MEDIA_VIEW)
    page = CappedPaginator(selectors.kits_visible(request.user), 25).get_page(
        request.GET.get("page") or 1
    )
    kits_on_page = list(page)
    counts = selectors.kit_pickup_counts(
        [k for k in kits_on_page if selectors.kit_sees_district(request.user, k)]
    )
    return render(
        request,
        "media/staff/kits.html",
        {
            "page": page,
            "rows": [(k, counts.get(k.pk)) for k in kits_on_page],
            "current": selectors.kit_current(request.user),
            "can_create": selectors.kit_districts(request.user).exists(),
        },
    )


@login_required
def kit_new(request: HttpRequest) -> HttpResponse:
    districts = selectors.kit_districts(request.user)
    if not districts.exists():
        raise Http404
    only = list(districts[:2])
    form = KitForm(
        request.POST or None,
        request.FILES or None,
        districts=districts,
        initial={"district": only[0] if len(only) == 1 else None, "week": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            kit = services.kit_create(
                actor=request.user,
                district=data["district"],
                data=services.KitData(
                    week=data["week"],
                    title=data["title"],
                    text=data["text"],
                    text_kk=data["text_kk"],
                    hashtags=data["hashtags"],
                ),
                picture=data["picture"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The message of the week is sent to the primaries."))
            return redirect("media:kit", kit.pk)
    return render(request, "media/staff/kit_new.html", {"form": form})


def _kit_page(request: HttpRequest, kit, *, unit=None, form: KitUseForm | None = None):
    primaries = list(selectors.kit_primaries_to_mark(request.user, kit))
    if unit is None and primaries:
        # One who writes for several primaries (a district) chooses which one marks.
        chosen = request.GET.get("primary", "")
        unit = next((p for p in primaries if str(p.pk) == chosen), primaries[0])
    if form is None and unit is not None:
        form = KitUseForm(initial={"posted_on": timezone.localdate()})
    sees_district = selectors.kit_sees_district(request.user, kit)
    return render(
        request,
        "media/staff/kit.html",
        {
            "kit": kit,
            "form": form,
            "unit": unit,
            "primaries": primaries,
            "sees_district": sees_district,
            "pickups": selectors.kit_pickups(request.user, kit) if sees_district else None,
            "own_posts": None if sees_district else selectors.kit_posts(request.user, kit),
        },
    )


@login_required
def kit(request: HttpRequest, pk: int) -> HttpResponse:
    return _kit_page(request, selectors.kit_get(request.user, pk))


@login_required
@require_POST
def kit_use(request: HttpRequest, pk: int, primary: int) -> HttpResponse:
    message_kit = selectors.kit_get(request.user, pk)
    unit = selectors.kit_primaries_to_mark(request.user, message_kit).filter(pk=primary).first()
    if unit is None:  # not a primary the user writes for: as if it did not exist
        raise Http404
    form = KitUseForm(request.POST)
    if form.is_valid():
        try:
            services.kit_use(actor=request.user, kit=message_kit, primary=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Marked: the post is in the post log."))
            return redirect("media:kit", message_kit.pk)
    return _kit_page(request, message_kit, unit=unit, form=form)


@login_required
def kit_picture(request: HttpRequest, pk: int, rendition: str) -> HttpResponse:
    message_kit = selectors.kit_get(request.user, pk)
    field = {"full": message_kit.picture, "thumb": message_kit.picture_thumb}.get(rendition)
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    if rendition == "full":
        response["Content-Disposition"] = f'attachment; filename="kit-{message_kit.pk}.jpg"'
    return response


# The reach from the platforms' statistics ---------------------------------------------------


@login_required
def reach_import(request: HttpRequest) -> HttpResponse:
    _need(request.user, Perm.MEDIA_WRITE)
    form = ReachImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = reach.reach_import(
                actor=request.user,
                platform=form.cleaned_data["platform"],
                which=form.cleaned_data["which"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "media/staff/reach_import.html",
        {"form": form, "report": report, "headers": reach.HEADERS},
    )


# Partners of the district ------------------------------------------------------------------


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    """The district's partner links and their news, as the portal shows them."""
    if not selectors.partner_districts(request.user).exists():
        raise Http404
    return render(
        request, "media/staff/partners.html", {"partners": selectors.partners_managed(request.user)}
    )


@login_required
def partner_new(request: HttpRequest) -> HttpResponse:
    districts = selectors.partner_districts(request.user)
    if not districts.exists():
        raise Http404
    only = list(districts[:2])
    form = PartnerNewForm(
        request.POST or None,
        districts=districts,
        initial={"district": only[0] if len(only) == 1 else None, "position": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_save(
                actor=request.user,
                district=data["district"],
                data=services.PartnerData(
                    name=data["name"],
                    name_kk=data["name_kk"],
                    url=data["url"],
                    position=data["position"],
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The partner is added."))
            return redirect("media:partner", partner.pk)
    return render(request, "media/staff/partner_new.html", {"form": form})


def _partner_page(request, partner, *, form=None, news_form=None) -> HttpResponse:
    if form is None:
        form = PartnerForm(
            initial={
                name: getattr(partner, name) for name in ("name", "name_kk", "url", "position")
            }
        )
    if news_form is None:
        news_form = PartnerNewsForm(initial={"on_date": timezone.localdate(), "days": 14})
    return render(
        request,
        "media/staff/partner.html",
        {
            "partner": partner,
            "form": form,
            "news_form": news_form,
            "news": selectors.partner_news_of(partner),
        },
    )


@login_required
def partner(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner: its link (changed here) and its news on the portal."""
    found = selectors.partner_get(request.user, pk)
    if request.method != "POST":
        return _partner_page(request, found)
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            services.partner_save(
                actor=request.user,
                partner=found,
                data=services.PartnerData(**form.cleaned_data),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("media:partner", found.pk)
    return _partner_page(request, selectors.partner_get(request.user, pk), form=form)


@login_required
@require_POST
def partner_active(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.partner_get(request.user, pk)
    active = request.POST.get("active") == "1"
    services.partner_set_active(actor=request.user, partner=found, active=active)
    if active:
        messages.success(request, _("The partner is shown on the portal again."))
    else:
        messages.success(request, _("The partner is taken off the portal."))
    return redirect("media:partner", found.pk)


@login_required
@require_POST
def partner_news_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.partner_get(request.user, pk)
    form = PartnerNewsForm(request.POST)
    if form.is_valid():
        try:
            services.partner_news_add(
                actor=request.user,
                partner=found,
                data=services.PartnerNewsData(**form.cleaned_data),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The partner's news is added."))
            return redirect("media:partner", found.pk)
    return _partner_page(request, found, news_form=form)


@login_required
@require_POST
def partner_news_remove(request: HttpRequest, pk: int) -> HttpResponse:
    news = selectors.partner_news_get(request.user, pk)
    services.partner_news_remove(actor=request.user, news=news)
    messages.success(request, _("The partner's news is removed."))
    return redirect("media:partner", news.partner_id)
