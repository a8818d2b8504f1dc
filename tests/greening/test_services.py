"""The rules of party projects: events and their people, plantings and survival, the fund
link, the contest's moderation, jury, verified votes and the ranking's formula."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pervichka.core.kpis import Period, compute
from pervichka.greening import selectors as greening_selectors
from pervichka.greening import services as greening_services
from pervichka.projects import services
from tests import clock

pytestmark = pytest.mark.django_db
TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


def test_survival_is_the_latest_check_and_cannot_exceed_what_was_planted(make_planting, chair_a):
    # Checks 100 and 50 days ago: the planting is 200 days old, whatever the year.
    planting = make_planting(count=50, planted_on=TODAY - dt.timedelta(days=200))
    with pytest.raises(ValidationError, match="50 were planted"):
        greening_services.survival_check_add(
            actor=chair_a, planting=planting, checked_on=TODAY, alive=51
        )
    with pytest.raises(ValidationError, match="after the planting"):
        greening_services.survival_check_add(
            actor=chair_a,
            planting=planting,
            checked_on=planting.planted_on - dt.timedelta(days=1),
            alive=10,
        )
    with pytest.raises(ValidationError, match="future"):
        greening_services.survival_check_add(
            actor=chair_a, planting=planting, checked_on=TODAY + dt.timedelta(days=1), alive=10
        )
    greening_services.survival_check_add(
        actor=chair_a, planting=planting, checked_on=TODAY - dt.timedelta(days=100), alive=40
    )
    greening_services.survival_check_add(
        actor=chair_a, planting=planting, checked_on=TODAY, alive=30
    )
    # An older check entered later does not override the latest by date.
    greening_services.survival_check_add(
        actor=chair_a, planting=planting, checked_on=TODAY - dt.timedelta(days=50), alive=45
    )
    row = greening_selectors.with_survival(type(planting).objects.filter(pk=planting.pk)).get()
    assert row.alive == 30
    assert greening_services.survival_rate(row.count, row.alive) == pytest.approx(0.6)
    assert greening_selectors.survival_colour(row.count, row.alive) == "amber"


def test_survival_rate_kpi_weighs_plantings_by_count_and_skips_unchecked(
    make_planting, chair_a, tree
):
    big, small, unchecked = make_planting(count=50), make_planting(count=30), make_planting(10)
    greening_services.survival_check_add(actor=chair_a, planting=big, checked_on=TODAY, alive=40)
    greening_services.survival_check_add(actor=chair_a, planting=small, checked_on=TODAY, alive=15)
    period = Period.year(TODAY.year)
    rates = compute(
        "tree_survival_rate", [tree.district.pk, tree.primary_a.pk, tree.primary_b.pk], period
    )
    assert rates[tree.district.pk] == pytest.approx(55 / 80)
    assert rates[tree.primary_a.pk] == pytest.approx(55 / 80)
    assert tree.primary_b.pk not in rates  # nothing checked: no data, not 0% alive
    assert unchecked.checks.count() == 0


def test_plantings_are_greening_only_and_checked_for_sense(tree, chair_a, projects, village):
    data = greening_services.PlantingData(
        planted_on=TODAY + dt.timedelta(days=1),
        settlement=village,
        species="",
        count=0,
        site_kind="moon",
        planted_by="",
    )
    with pytest.raises(ValidationError) as caught:
        greening_services.planting_create(
            actor=chair_a, project=projects["tazalike"], primary=tree.primary_a, data=data
        )
    assert set(caught.value.error_dict) == {
        "planted_on",
        "species",
        "count",
        "site_kind",
        "planted_by",
    }
    with pytest.raises(ValidationError, match="greening"):
        greening_services.planting_create(
            actor=chair_a, project=projects["socium"], primary=tree.primary_a, data=data
        )


def test_plantings_total_per_settlement_and_primary_against_the_primary_target(
    make_planting, tree, projects, district_admin, chair_a
):
    make_planting(count=120)
    make_planting(count=80)
    services.target_set(
        actor=district_admin,
        project=projects["tazalike"],
        unit=tree.primary_a,
        year=TODAY.year,
        kpi="trees_planted",
        target=Decimal(400),
    )
    plantings = greening_selectors.plantings_visible(chair_a).filter(planted_on__year=TODAY.year)
    by_settlement, by_primary = greening_selectors.planting_totals(
        plantings, projects["tazalike"], TODAY.year
    )
    assert [(r.name, r.planted) for r in by_settlement] == [("Талшик", 200)]
    assert by_primary[0].planted == 200
    assert by_primary[0].percent_of_target == 50


def test_kpis_count_held_events_hours_and_trees_per_primary_and_up_the_tree(
    make_event, make_planting, chair_a, person_data, tree, other_admin
):
    event = make_event()
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=3, data=person_data()
    )
    services.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=Decimal("2.5"), data=person_data()
    )
    make_event(title="Запланировано", date=TODAY + dt.timedelta(days=3), held=False)
    make_planting(count=25)
    elsewhere = make_event(primary=tree.primary_c, actor=other_admin, title="Чужое")
    assert elsewhere.primary == tree.primary_c
    period = Period.year(TODAY.year)
    units = [tree.region.pk, tree.district.pk, tree.primary_a.pk, tree.primary_b.pk]
    held = compute("events_held", units, period)
    assert (held[tree.district.pk], held[tree.primary_a.pk], held[tree.primary_b.pk]) == (1, 1, 0)
    assert held[tree.region.pk] == 2  # the other district's event counts for the region
    assert compute("volunteer_hours", units, period)[tree.primary_a.pk] == 5.5
    assert compute("trees_planted", units, period)[tree.district.pk] == 25


def test_plantings_count_with_a_survival_check_only(make_planting, chair_a, tree):
    from pervichka.core import kpis

    checked, _unchecked = make_planting(count=50), make_planting(count=30)
    greening_services.survival_check_add(
        actor=chair_a, planting=checked, checked_on=TODAY, alive=40
    )
    period = Period.year(checked.planted_on.year)
    units = [tree.primary_a.pk, tree.district.pk]
    assert kpis.compute("trees_planted", units, period)[tree.primary_a.pk] == 80
    assert kpis.compute("plantings_checked", units, period)[tree.district.pk] == 50
    records = kpis.records("plantings_checked", units, period)
    assert [r.pk for r in records[tree.primary_a.pk]] == [checked.pk]
    assert len(kpis.records("trees_planted", units, period)[tree.primary_a.pk]) == 2
