"""What dues contribute to the rating: per org unit and period.

For a primary the figures are its own; for a district or region they are the sums over the
primaries below it (a prefix match on the tree path).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pervichka.core import tree
from pervichka.core.kpis import Period, register
from pervichka.dues import selectors
from pervichka.dues.models import PaidMonth
from pervichka.dues.services import Rates, add_month, dues_district, month_start
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import units_and_primaries
from pervichka.people.models import Membership


def _primaries_under(unit_ids: Iterable[int]) -> tuple[dict[int, list[int]], list[int]]:
    """{asked unit: its primaries}, and all those primaries."""
    groups = units_and_primaries(unit_ids)
    by_unit: dict[int, list[int]] = defaultdict(list)
    for primary, owners in groups.owners.items():
        for owner in owners:
            by_unit[owner].append(primary)
    return {u: by_unit.get(u, []) for u in groups.asked}, groups.members


@register("collection_rate", _("dues collection rate"), list_url="dues:district")
def collection_rate(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Member-months paid / member-months owed in the period."""
    groups, primaries = _primaries_under(unit_ids)
    counts = selectors.collection_counts(primaries, period)
    result = {}
    for unit_id, members in groups.items():
        owed = sum(counts[p][0] for p in members)
        paid = sum(counts[p][1] for p in members)
        if owed:  # nothing owed: no data, not 0%
            result[unit_id] = paid / owed
    return result


@register(
    "arrears_share",
    _("share of members in arrears"),
    higher_is_better=False,
    list_url="dues:district",
)
def arrears_share(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Members present at the period's end who owe for any of the 12 months before its last
    month, over all members owing dues then."""
    groups, primaries = _primaries_under(unit_ids)
    last = month_start(period.end)
    window = [add_month(last, -i) for i in range(1, 13)]
    members = list(
        Membership.objects.filter(primary_id__in=primaries, joined__lte=period.end)
        .filter(Q(left__isnull=True) | Q(left__gte=period.end))
        .values_list("pk", "primary_id", "joined", "dues_category")
    )
    paid: dict[int, set] = defaultdict(set)
    for membership_id, month in PaidMonth.objects.filter(
        primary_id__in=primaries, is_reversed=False, month__in=window
    ).values_list("membership_id", "month"):
        paid[membership_id].add(month)
    rates_by_primary: dict[int, Rates] = {}
    districts: dict[str, Rates] = {}
    for unit in OrgUnit.objects.filter(pk__in=primaries).only("path", "kind"):
        key = tree.district_path(unit.path)
        if key not in districts:
            districts[key] = Rates(dues_district(unit))
        rates_by_primary[unit.pk] = districts[key]
    owing: dict[int, int] = defaultdict(int)
    behind: dict[int, int] = defaultdict(int)
    for pk, primary_id, joined, category in members:
        rates = rates_by_primary[primary_id]
        owed = [m for m in window if m >= month_start(joined) and rates.amount_due(category, m)]
        if not owed and not rates.amount_due(category, last):
            continue
        owing[primary_id] += 1
        if any(m not in paid[pk] for m in owed):
            behind[primary_id] += 1
    result = {}
    for unit_id, group in groups.items():
        total = sum(owing[p] for p in group)
        if total:  # nobody owing dues: no data
            result[unit_id] = sum(behind[p] for p in group) / total
    return result


@register("fund_spent_share", _("share of the project fund spent"), list_url="dues:spending_list")
def fund_spent_share(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Spent in the period / (the fund at its start + returned into it in the period)."""
    groups, primaries = _primaries_under(unit_ids)
    flows = selectors.fund_flows(primaries, period)
    result = {}
    for unit_id, group in groups.items():
        available = sum(flows[p]["opening"] + flows[p]["returned"] for p in group)
        spent = sum(flows[p]["spent"] for p in group)
        if available > 0:  # no fund to spend: no data
            result[unit_id] = float(spent / available)
    return result
