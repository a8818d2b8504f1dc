"""Reads of appeals, already limited to what the acting user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pervichka.accounts.selectors import users_with_perm_in
from pervichka.appeals.enums import OPEN_STATUSES
from pervichka.appeals.models import Appeal, Category, FieldReception, ReceptionOffice
from pervichka.appeals.searching import appeal_search_q
from pervichka.core.calendar import calendar
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at, scope_q
from pervichka.orgs import selectors as orgs_selectors
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.people.models import Person


def appeals_visible(user, *, perm: Perm = Perm.APPEALS_VIEW) -> QuerySet[Appeal]:
    return Appeal.objects.visible_to(user, perm)


def appeal_get(user, pk: object, *, perm: Perm = Perm.APPEALS_VIEW) -> Appeal:
    return get_or_404(
        appeals_visible(user, perm=perm).select_related(
            "district",
            "unit",
            "person",
            "person__unit",
            "category",
            "settlement",
            "reception_office",
            "field_reception__settlement",
            "field_reception__unit",
            "assigned_user",
            "assigned_person",
            "repeat_of",
        ),
        pk=pk,
    )


def can_read_pii(user, appeal: Appeal) -> bool:
    return has_perm_at(user, Perm.APPEALS_PII, appeal.unit.path)


def can_manage(user, appeal: Appeal) -> bool:
    return has_perm_at(user, Perm.APPEALS_MANAGE, appeal.unit.path)


@dataclass(frozen=True)
class AppealFilters:
    queue: str = ""  # "mine" | "overdue" | "due_soon" | "week" | ""
    q: str = ""
    status: str = ""
    category_id: int | None = None
    settlement_id: int | None = None
    unit_id: int | None = None
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def due_soon_limit(today: dt.date | None = None) -> dt.date:
    """The last deadline that counts as "due in 3 days": three working days from today."""
    return calendar().add_working_days(today or timezone.localdate(), 3)


def week_end(today: dt.date) -> dt.date:
    """The Sunday of `today`'s week: "due this week" is due from today to then."""
    return today + dt.timedelta(days=6 - today.weekday())


def appeals_list(user, filters: AppealFilters) -> QuerySet[Appeal]:
    """The operator's queue and the filtered list; the export shows the same rows."""
    today = timezone.localdate()
    queryset = appeals_visible(user).select_related(
        "category", "settlement", "unit", "person", "assigned_user"
    )
    if filters.queue == "mine":
        queryset = queryset.filter(
            Q(assigned_user=user) | Q(created_by=user, assigned_user__isnull=True),
            status__in=OPEN_STATUSES,
        )
    elif filters.queue == "overdue":
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    elif filters.queue == "due_soon":
        queryset = queryset.filter(
            status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=due_soon_limit(today)
        )
    elif filters.queue == "week":  # due from today to Sunday (the dashboard's figure)
        queryset = queryset.filter(
            status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=week_end(today)
        )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category_id:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.settlement_id:
        queryset = queryset.filter(settlement_id=filters.settlement_id)
    if filters.unit_id:
        unit = OrgUnit.objects.filter(pk=filters.unit_id).only("path").first()
        queryset = queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.received_from:
        queryset = queryset.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_at__date__lte=filters.received_to)
    # The text, phones and tracking code are personal data: searched only where the user
    # may read them (APPEALS_PII at the appeal's unit); elsewhere a word matches the number
    # and the citizen's name alone (appeals.searching).
    if filters.q.strip():
        readable = scope_q(user, Perm.APPEALS_PII, "unit__path")
        queryset = queryset.filter(appeal_search_q(filters.q, readable))
    if filters.queue in ("overdue", "due_soon", "week"):
        return queryset.order_by("due_date", "pk")
    return queryset.order_by("-received_at", "-pk")


# What a row of the list page shows (appeal_list.html, status_badge.html, Appeal.is_overdue):
# the page reads these columns alone. A column the page starts to show must be added here,
# or each row would fetch it with a query of its own (tests/site/test_page_cost.py counts).
PAGE_COLUMNS = (
    "number",
    "received_at",
    "status",
    "due_date",
    "extended_until",
    "repeat_of_id",
    "category__name",
    "category__name_kk",
    "category__name_en",
    "settlement__name",
    "settlement__name_kk",
    "settlement__name_en",
)
PAGE_CITIZEN_COLUMNS = ("person__surname", "person__name")


def appeals_page(user, filters: AppealFilters, *, citizen: bool) -> QuerySet[Appeal]:
    """The rows of `appeals_list` as the list page shows them: its columns and the category,
    village and (`citizen`: for a reader of personal data) the citizen joined, nothing else.
    The export and the API read whole rows from `appeals_list`. The appeal's texts, the
    unit and the responsible user are neither fetched nor compiled into the statement (a
    chair's page of three rows spent more on building its statement than on its rows)."""
    related = ("category", "settlement", "person") if citizen else ("category", "settlement")
    columns = PAGE_COLUMNS + PAGE_CITIZEN_COLUMNS if citizen else PAGE_COLUMNS
    return appeals_list(user, filters).select_related(None).select_related(*related).only(*columns)


def overdue_by_primary(user) -> list[dict]:
    """For the district: per organization, open appeals and how many are overdue."""
    today = timezone.localdate()
    rows = (
        appeals_visible(user)
        .filter(status__in=OPEN_STATUSES)
        .values("unit_id", "unit__name", "unit__kind")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-overdue", "unit__name")
    )
    rows = list(rows)
    # The unit itself, so that the page prints its name in the reader's language.
    units = OrgUnit.objects.in_bulk([r["unit_id"] for r in rows])
    for r in rows:
        r["unit"] = units[r["unit_id"]]
    return rows


def person_appeals(user, person) -> QuerySet[Appeal]:
    """Earlier appeals of the same citizen that the user may see."""
    return (
        appeals_visible(user)
        .filter(person=person)
        .select_related("category")
        .order_by("-received_at")
    )


def districts_for(user, *, perm: Perm = Perm.APPEALS_MANAGE) -> QuerySet[OrgUnit]:
    """Districts where the user may register appeals."""
    return orgs_selectors.districts_for(user, perm=perm)


def units_for_assignment(user, appeal: Appeal) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.visible_to(user, Perm.APPEALS_MANAGE)
        .filter(path__startswith=appeal.district.path, kind__in=[OrgKind.DISTRICT, OrgKind.PRIMARY])
        .order_by("path")
    )


def categories_for(district) -> QuerySet[Category]:
    return Category.objects.filter(district=district, is_active=True)


def categories_visible(user, *, perm: Perm = Perm.APPEALS_VIEW) -> QuerySet[Category]:
    """The categories of the districts the user sees appeals of: the list's filter."""
    return Category.objects.filter(district__in=districts_for(user, perm=perm)).order_by("order")


def settlements_of(district) -> QuerySet[Settlement]:
    return Settlement.objects.filter(district=district)


def settlements_visible(user, *, perm: Perm = Perm.APPEALS_VIEW) -> QuerySet[Settlement]:
    """The villages of the districts the user sees appeals of: the list's filter."""
    return Settlement.objects.filter(district__in=districts_for(user, perm=perm)).order_by("name")


def units_for_filter(user) -> QuerySet[OrgUnit]:
    """The organizations that may hold an appeal the user sees (districts and primaries in
    the scope): the list's filter. Read from the tree alone, never from the appeals: a
    semi-join over every appeal in scope cost as much as the page."""
    return (
        OrgUnit.objects.visible_to(user, Perm.APPEALS_VIEW)
        .filter(kind__in=[OrgKind.DISTRICT, OrgKind.PRIMARY])
        .order_by("path")
    )


def list_choices(user) -> dict:
    """What the list's filters offer, as (value, label) pairs with the labels in the current
    language, and whether the user may register: the same for every holder of one role set,
    so the view caches it per scope and language (pairs of strings, not model rows: a
    district's villages are read from the cache on every request)."""
    return {
        "categories": [(c.pk, str(c)) for c in categories_visible(user)],
        "settlements": [(s.pk, str(s)) for s in settlements_visible(user)],
        "units": [(u.pk, str(u)) for u in units_for_filter(user)],
        "can_register": districts_for(user).exists(),
    }


def queue_counts(user, cap: int) -> dict[str, int]:
    """The queues' sizes for their tabs, each counted up to `cap + 1` (a count past the cap
    is shown as "cap+"): an exact count over a region's open appeals is a scan of them."""
    return {
        queue: appeals_list(user, AppealFilters(queue=queue)).order_by()[: cap + 1].count()
        for queue in ("mine", "overdue", "due_soon")
    }


def offices_for(user, *, perm: Perm = Perm.APPEALS_VIEW) -> QuerySet[ReceptionOffice]:
    return ReceptionOffice.objects.visible_to(user, perm).select_related("unit", "settlement")


def field_receptions_for(user, *, perm: Perm = Perm.APPEALS_VIEW) -> QuerySet[FieldReception]:
    return (
        FieldReception.objects.visible_to(user, perm)
        .select_related("unit", "settlement")
        .prefetch_related("hosts")
    )


def field_receptions_upcoming_public(*, days: int = 60) -> QuerySet[FieldReception]:
    """What the portal announces: planned public receptions from today on."""
    now = timezone.now()
    return (
        FieldReception.objects.filter(
            is_public=True,
            status="planned",
            starts_at__gte=now,
            starts_at__lte=now + dt.timedelta(days=days),
        )
        .select_related("settlement", "unit")
        .order_by("starts_at")
    )


def offices_public() -> QuerySet[ReceptionOffice]:
    """The reception offices the portal lists."""
    return ReceptionOffice.objects.filter(is_active=True).select_related("settlement")


def settlements_public() -> QuerySet[Settlement]:
    """The villages and towns a citizen may name on the public form or in the public API."""
    return Settlement.objects.filter(is_active=True, district__is_active=True).select_related(
        "district"
    )


@dataclass(frozen=True)
class PublicBranch:
    """A district branch whose public reception this is, with the units above it."""

    district: OrgUnit
    above: list[OrgUnit]  # from the party down to the region


def branches_public(*, limit: int = 3) -> list[PublicBranch]:
    """The district branches that receive citizens' appeals here (those with a village on the
    public form), for the portal to say whose reception it is. An installation of many
    districts answers none: a national portal names the party, not 200 districts."""
    districts = list(
        OrgUnit.objects.filter(
            kind=OrgKind.DISTRICT,
            is_active=True,
            settlements__is_active=True,
        )
        .distinct()
        .order_by("path")[: limit + 1]
    )
    if len(districts) > limit:
        return []
    return [PublicBranch(district=d, above=list(orgs_selectors.ancestors_of(d))) for d in districts]


def appeal_by_code(code: str) -> Appeal | None:
    return Appeal.objects.select_related("category", "district").filter(tracking_code=code).first()


def officials_in(district) -> QuerySet:
    """People an appeal can be given to, or who receive at a field reception: those holding a
    position in the district's organizations, and those with a login that works on appeals
    there (deputies, chairs, operators). A short list, not the whole registry."""
    with_login = (
        users_with_perm_in(Perm.APPEALS_MANAGE, district)
        .filter(person__isnull=False)
        .values("person_id")
    )
    return (
        Person.objects.filter(
            Q(positions__org_unit__path__startswith=district.path, positions__end__isnull=True)
            | Q(pk__in=with_login)
        )
        .distinct()
        .order_by("surname", "name")
    )


def appeals_overdue_total() -> int:
    """Open appeals past their deadline in the whole installation: an operations figure
    for /metrics (no user's scope; nothing personal)."""
    return Appeal.objects.filter(
        status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()
    ).count()


# The start parameter of a primary's deep link: Telegram passes it to the bot with /start.
# Only [A-Za-z0-9_-] and at most 64 characters are allowed; the primary's id is stable
# (a code or a name may change after the posters are printed).
BOT_START_PREFIX = "p"


def bot_start_code(unit: OrgUnit) -> str:
    return f"{BOT_START_PREFIX}{unit.pk}"


def bot_deep_link(unit: OrgUnit) -> str:
    """The link a primary prints on its posters (QR code): it opens the citizens' bot with
    the primary already chosen, `https://t.me/<bot>?start=p<primary id>`. Empty when the
    installation has no bot (PERVICHKA_TELEGRAM_BOT_USERNAME unset): offer no link then."""
    username = (settings.PERVICHKA_TELEGRAM_BOT_USERNAME or "").strip().lstrip("@")
    if not username:
        return ""
    return f"https://t.me/{username}?start={bot_start_code(unit)}"


def primary_by_start_code(code: str) -> OrgUnit | None:
    """The active primary a deep link's start parameter names, or None (a stale or
    hand-typed parameter: the bot then asks nothing about the primary)."""
    code = (code or "").strip()
    if not code.startswith(BOT_START_PREFIX) or not code[1:].isdigit() or len(code) > 20:
        return None
    return (
        OrgUnit.objects.filter(pk=int(code[1:]), kind=OrgKind.PRIMARY, is_active=True)
        .select_related("settlement")
        .first()
    )
