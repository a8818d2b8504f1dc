import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from pervichka.orgs import services
from pervichka.orgs.enums import OrgKind, PositionKind
from pervichka.orgs.models import OrgUnit, Position
from tests.factories import PersonFactory


def test_org_unit_create_adds_the_next_level_down(tree, district_admin):
    unit = services.org_unit_create(
        actor=district_admin, parent=tree.district, name="ППО Новое", kato="593201100"
    )
    assert unit.kind == OrgKind.PRIMARY
    assert unit.path.startswith(tree.district.path)
    assert OrgUnit.objects.get_parent(unit) == tree.district
    assert unit.history.first().history_user == district_admin


def test_org_unit_create_refuses_children_of_a_primary(tree, district_admin):
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=district_admin, parent=tree.primary_a, name="Нельзя")
    assert "primary" in str(exc.value).lower() or "первичн" in str(exc.value).lower()


def test_org_unit_create_validates_kato(tree, district_admin):
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=district_admin, parent=tree.district, name="X", kato="12345")
    assert "kato" in exc.value.message_dict


def test_org_unit_create_outside_scope_is_missing(tree, district_admin):
    with pytest.raises(Http404):
        services.org_unit_create(actor=district_admin, parent=tree.other_district, name="X")
    assert not OrgUnit.objects.filter(name="X").exists()


def test_chair_cannot_reshape_the_tree(tree, chair_a):
    with pytest.raises(Http404):
        services.org_unit_update(actor=chair_a, unit=tree.primary_a, name="Переименовано")


def test_one_current_chair_per_primary(tree, district_admin):
    first, second = PersonFactory(unit=tree.primary_a), PersonFactory(unit=tree.primary_a)
    services.position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=first,
        kind=PositionKind.CHAIR,
        start=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.position_assign(
            actor=district_admin,
            org_unit=tree.primary_a,
            person=second,
            kind=PositionKind.CHAIR,
            start=dt.date(2025, 1, 1),
        )
    assert "kind" in exc.value.message_dict


def test_one_current_chair_is_a_database_constraint(tree):
    first, second = PersonFactory(unit=tree.primary_a), PersonFactory(unit=tree.primary_a)
    Position.objects.create(
        org_unit=tree.primary_a, person=first, kind=PositionKind.CHAIR, start=dt.date(2024, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            org_unit=tree.primary_a,
            person=second,
            kind=PositionKind.CHAIR,
            start=dt.date(2025, 1, 1),
        )


def test_ending_a_term_allows_the_next_chair(tree, district_admin):
    first, second = PersonFactory(unit=tree.primary_a), PersonFactory(unit=tree.primary_a)
    term = services.position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=first,
        kind=PositionKind.CHAIR,
        start=dt.date(2024, 1, 1),
    )
    services.position_end(actor=district_admin, position=term, end=dt.date(2025, 6, 30))
    services.position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=second,
        kind=PositionKind.CHAIR,
        start=dt.date(2025, 7, 1),
    )
    chairs = Position.objects.filter(org_unit=tree.primary_a, kind=PositionKind.CHAIR)
    assert [(p.person, p.end) for p in chairs.order_by("start")] == [
        (first, dt.date(2025, 6, 30)),
        (second, None),
    ]


def test_position_cannot_end_before_it_starts(tree, district_admin):
    term = services.position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=PersonFactory(unit=tree.primary_a),
        kind=PositionKind.SECRETARY,
        start=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.position_end(actor=district_admin, position=term, end=dt.date(2023, 1, 1))


def test_settlement_belongs_to_a_district(tree, district_admin):
    with pytest.raises(ValidationError):
        services.settlement_create(
            actor=district_admin, district=tree.primary_a, kato="593209100", name="X"
        )
    village = services.settlement_create(
        actor=district_admin, district=tree.district, kato="593209100", name="Новое", name_kk="Жаңа"
    )
    assert village.district == tree.district
