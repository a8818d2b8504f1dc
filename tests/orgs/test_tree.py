"""The tree encoding has one meaning for every kind of unit (issue 12, point 1)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pervichka.core import tree as encoding
from pervichka.dues.services import dues_district
from pervichka.orgs.enums import CHILD_KIND, OrgKind
from pervichka.orgs.selectors import ancestors_of, district_of


def _units(tree):
    return {
        OrgKind.PARTY: tree.party,
        OrgKind.REGION: tree.region,
        OrgKind.DISTRICT: tree.district,
        OrgKind.PRIMARY: tree.primary_a,
    }


def test_the_kinds_of_the_encoding_are_the_kinds_of_org_units():
    assert set(encoding.KIND_DEPTH) == set(OrgKind.values)
    assert CHILD_KIND == {
        OrgKind.PARTY: OrgKind.REGION,
        OrgKind.REGION: OrgKind.DISTRICT,
        OrgKind.DISTRICT: OrgKind.PRIMARY,
    }


def test_kind_of_a_path_is_the_kind_of_its_unit(tree):
    for kind, unit in _units(tree).items():
        assert encoding.kind_of(unit.path) == kind
        assert encoding.depth_of(unit.path) == unit.depth


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (OrgKind.PARTY, None),
        (OrgKind.REGION, None),
        (OrgKind.DISTRICT, "district"),
        (OrgKind.PRIMARY, "district"),
    ],
)
def test_district_of_every_kind_of_unit(tree, kind, expected):
    unit = _units(tree)[kind]
    district = getattr(tree, expected) if expected else None
    assert district_of(unit) == district
    assert encoding.district_path(unit.path) == (district.path if district else None)


def test_district_of_a_primary_of_another_district_is_that_district(tree):
    assert district_of(tree.primary_c) == tree.other_district
    assert district_of(tree.other_district) == tree.other_district


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        (OrgKind.PARTY, None),
        (OrgKind.REGION, "party"),
        (OrgKind.DISTRICT, "region"),
        (OrgKind.PRIMARY, "district"),
    ],
)
def test_parent_path_of_every_kind_of_unit(tree, kind, parent):
    unit = _units(tree)[kind]
    expected = getattr(tree, parent).path if parent else None
    assert encoding.parent_path(unit.path) == expected


def test_ancestor_paths_of_every_kind_of_unit(tree):
    chain = [tree.party, tree.region, tree.district, tree.primary_a]
    for index, unit in enumerate(chain):
        above = [u.path for u in chain[:index]]
        assert encoding.ancestor_paths(unit.path) == above
        assert encoding.ancestor_paths(unit.path, include_self=True) == [*above, unit.path]
        assert list(ancestors_of(unit)) == chain[:index]


def test_path_at_a_kind_above_the_unit_is_none(tree):
    assert encoding.region_path(tree.primary_a.path) == tree.region.path
    assert encoding.region_path(tree.party.path) is None
    assert encoding.path_at(tree.district.path, OrgKind.PRIMARY) is None


def test_sees_level_by_the_top_of_the_scope(tree):
    assert encoding.sees_level(None, OrgKind.DISTRICT)
    assert encoding.sees_level([tree.region.path], OrgKind.DISTRICT)
    assert encoding.sees_level([tree.district.path], OrgKind.DISTRICT)
    assert not encoding.sees_level([tree.primary_a.path], OrgKind.DISTRICT)
    assert not encoding.sees_level([], OrgKind.DISTRICT)


def test_dues_are_kept_by_a_district_not_by_a_region_or_the_party(tree):
    assert dues_district(tree.primary_a) == tree.district
    assert dues_district(tree.district) == tree.district
    for unit in (tree.region, tree.party):
        with (
            translation.override("en"),
            pytest.raises(ValidationError, match="Dues are kept by a district"),
        ):
            dues_district(unit)
