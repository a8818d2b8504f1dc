"""The district at a glance: the figures of every capability over the user's scope.

Each figure comes from its app's selectors, already scoped to the user, and links to the
list it counts. The start page shows them to those who look after a district or more; the
monthly report prints the same figures (and writes them to XLSX) for the report upward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from pervichka.appeals.enums import OPEN_STATUSES
from pervichka.appeals.selectors import appeals_visible, week_end
from pervichka.core.kpis import Period
from pervichka.core.numbers import format_number
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere
from pervichka.core.tree import DISTRICT
from pervichka.dues.selectors import collection_counts, fund_balances, primaries_in_tree_order
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.selectors import org_units_visible, sees_level
from pervichka.people.selectors import member_counts_by_unit
from pervichka.projects.selectors import progress, projects_active
from pervichka.promises.selectors import promises_visible, totals
from pervichka.rating.selectors import latest_bands
from pervichka.training.selectors import coverage
from pervichka.youth.selectors import cases_visible

if TYPE_CHECKING:
    from pervichka.orgs.models import OrgUnit


@dataclass
class Figure:
    label: str
    value: str
    url: str = ""
    detail: str = ""
    tone: str = ""  # "danger" | "warning" | "success" | ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)


def _number(value: int | float | Decimal) -> str:
    """Thousands grouped as every page groups them (core.numbers); sums with two places."""
    return format_number(value, 2 if isinstance(value, Decimal) else None)


def _percent(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def root_unit(user) -> OrgUnit | None:
    """The unit the dashboard is about: the top of the user's scope when it is one subtree."""
    units = org_units_visible(user)
    top = units.order_by("depth", "path").first()
    if top is None:
        return None
    if units.filter(depth=top.depth).count() > 1:
        return None
    return top


def shows_dashboard(user) -> bool:
    """The dashboard is for those who look after a district or more."""
    return sees_level(user, DISTRICT)


def district_sections(user, *, today: dt.date, month: Period | None = None) -> list[Section]:
    """The dashboard's figures as of `today`; with `month`, the monthly report's: the
    month's appeals and dues beside the state of everything else on the day it is made."""
    sections: list[Section] = []
    unit = root_unit(user)
    dues_period = month or Period(dt.date(today.year, 1, 1), today)
    sections.append(_organization(user))
    if has_perm_anywhere(user, Perm.RATING_VIEW):
        sections.append(_rating(user))
    if has_perm_anywhere(user, Perm.APPEALS_VIEW):
        sections.append(_appeals(user, today, month))
    if has_perm_anywhere(user, Perm.DUES_VIEW):
        sections.append(_dues(user, dues_period, month is not None))
    if has_perm_anywhere(user, Perm.YOUTH_VIEW):
        sections.append(_youth(user))
    if has_perm_anywhere(user, Perm.PROJECTS_VIEW):
        sections.append(_projects(user, unit, today.year))
    if has_perm_anywhere(user, Perm.PROMISES_VIEW):
        sections.append(_promises(user))
    if has_perm_anywhere(user, Perm.TRAINING_VIEW) and unit is not None:
        sections.append(_training(unit, today))
    return [s for s in sections if s.figures]


def _organization(user) -> Section:
    units = org_units_visible(user)
    members = sum(member_counts_by_unit(user).values())
    primaries = units.filter(kind=OrgKind.PRIMARY).count()
    return Section(
        "orgs",
        _("Organization"),
        [
            Figure(_("Primary organizations"), _number(primaries), reverse("orgs:tree")),
            Figure(_("Active members"), _number(members), reverse("people:list")),
        ],
    )


BAND_TONES = {"A": "success", "B": "success", "C": "", "D": "warning", "E": "danger"}


def _rating(user) -> Section:
    """The bands of the primaries in the latest rating, each linking to the league table
    filtered to it (one district's table; over several districts, the roll-up)."""
    summary = latest_bands(user)
    if summary is None:
        return Section("rating", _("Rating of primaries"))
    one = summary.runs[0] if len(summary.runs) == 1 else None
    table = (
        reverse("rating:run", args=[one.pk])
        if one
        else f"{reverse('rating:rollup')}?period={summary.period.pk}"
    )
    detail = (
        _("%(period)s, version %(version)s, %(status)s")
        % {"period": summary.period, "version": one.version, "status": one.get_status_display()}
        if one
        else str(summary.period)
    )
    figures = [
        Figure(_("Band %(band)s") % {"band": band}, _number(count),
               f"{table}?band={band}" if one else table, tone=BAND_TONES[band] if count else "")
        for band, count in summary.bands.items()
    ]  # fmt: skip
    if summary.unrated:
        figures.append(Figure(_("No rating"), _number(summary.unrated), table))
    figures.append(Figure(_("League table"), str(summary.period), table, detail=detail))
    return Section("rating", _("Rating of primaries"), figures)


def _appeals(user, today: dt.date, month: Period | None) -> Section:
    appeals = appeals_visible(user)
    open_appeals = appeals.filter(status__in=OPEN_STATUSES)
    overdue = open_appeals.filter(due_date__lt=today).count()
    this_week = open_appeals.filter(due_date__gte=today, due_date__lte=week_end(today)).count()
    url = reverse("appeals:list")
    return Section(
        "appeals",
        _("Appeals"),
        [
            Figure(
                _("Overdue"),
                _number(overdue),
                f"{url}?queue=overdue",
                tone="danger" if overdue else "success",
            ),
            Figure(
                _("Due this week"),
                _number(this_week),
                f"{url}?queue=week",
                tone="warning" if this_week else "",
            ),
            Figure(_("Open"), _number(open_appeals.count()), url),
            *(
                [
                    Figure(
                        _("Received in the month"),
                        _number(
                            appeals.filter(
                                received_at__date__gte=month.start,
                                received_at__date__lte=month.end,
                            ).count()
                        ),
                        f"{url}?received_from={month.start:%Y-%m-%d}"
                        f"&received_to={month.end:%Y-%m-%d}",
                    ),
                    Figure(
                        _("Answered in the month"),
                        _number(
                            appeals.filter(
                                answered_at__date__gte=month.start,
                                answered_at__date__lte=month.end,
                            ).count()
                        ),
                        url,
                    ),
                ]
                if month is not None
                else []
            ),
        ],
    )


def _dues(user, period: Period, for_month: bool) -> Section:
    primaries = primaries_in_tree_order(user)
    ids = list(primaries.values_list("pk", flat=True))
    counts = collection_counts(ids, period) if ids else {}
    owed = sum(o for o, _p in counts.values())
    paid = sum(p for _o, p in counts.values())
    funds = sum(fund_balances(primaries).values(), Decimal(0))
    url = reverse("dues:district")
    return Section(
        "dues",
        _("Dues"),
        [
            Figure(
                _("Collected in the month") if for_month else _("Collected this year"),
                _percent(paid, owed),
                url,
                detail=_("%(paid)s of %(owed)s member-months")
                % {"paid": _number(paid), "owed": _number(owed)},
            ),
            Figure(_("In the project funds, ₸"), _number(funds), url),
        ],
    )


def _youth(user) -> Section:
    cases = cases_visible(user)
    referrals = cases.filter(referrals__isnull=False).values("referrals").count()
    placed = cases.filter(placements__isnull=False).distinct().count()
    total = cases.count()
    url = reverse("youth:dashboard")
    return Section(
        "youth",
        _("Youth"),
        [
            Figure(_("Referrals to support measures"), _number(referrals), url),
            Figure(
                _("Cases ended in work or study"),
                _number(placed),
                url,
                detail=_("%(share)s of %(total)s cases")
                % {"share": _percent(placed, total), "total": _number(total)},
            ),
        ],
    )


def _projects(user, unit: OrgUnit | None, year: int) -> Section:
    figures = []
    for project in projects_active().order_by("pk"):
        rows = [r for r in progress(project, unit, user, year) if r.target]
        if not rows:
            continue
        done = sum(min(r.actual / r.target, 1) for r in rows) / len(rows)
        figures.append(
            Figure(
                str(project),
                f"{round(100 * done)}%",
                reverse("projects:project", args=[project.code]),
                detail=_("of the year's targets"),
                tone="success" if done >= 1 else "",
            )
        )
    return Section("projects", _("Projects"), figures)


def _promises(user) -> Section:
    url = reverse("promises:list")
    stages = totals(promises_visible(user))
    return Section(
        "promises",
        _("Promises"),
        [
            Figure(_("All promises"), _number(sum(count for _s, _l, count in stages)), url),
            *(
                Figure(str(label), _number(count), f"{url}?status={status}")
                for status, label, count in stages
                if count
            ),
        ],
    )


def _training(unit: OrgUnit, today: dt.date) -> Section:
    rows, _share = coverage(unit, today)
    trained = sum(r.trained for r in rows)
    return Section(
        "training",
        _("School of political management"),
        [
            Figure(
                _("Chairs trained"),
                _percent(trained, len(rows)),
                f"{reverse('training:coverage')}?unit={unit.pk}",
                detail=_("%(trained)s of %(chairs)s chairs")
                % {"trained": _number(trained), "chairs": _number(len(rows))},
            )
        ],
    )
