"""Org units over the API: the visible tree, one unit, create and update (administrators)."""

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import Pagination, actor
from pervichka.core.roles import Perm
from pervichka.core.tree import parent_path
from pervichka.orgs import selectors, services
from pervichka.orgs.enums import OrgKind

router = Router(tags=["org units"])


class OrgUnitOut(Schema):
    id: int
    parent_id: int | None
    kind: OrgKind
    name: str
    name_kk: str
    name_en: str
    kato: str
    code: str
    depth: int
    settlement_id: int | None
    is_active: bool


class OrgUnitTreeOut(OrgUnitOut):
    children: list["OrgUnitTreeOut"] = []


OrgUnitTreeOut.model_rebuild()


class OrgUnitIn(Schema):
    parent_id: int
    name: str = Field(..., min_length=1, max_length=255)
    name_kk: str = Field("", max_length=255)
    name_en: str = Field("", max_length=255)
    kato: str = Field("", max_length=9)
    code: str = Field("", max_length=8)
    address: str = Field("", max_length=255)


class OrgUnitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=255)
    name_kk: str | None = Field(None, max_length=255)
    name_en: str | None = Field(None, max_length=255)
    kato: str | None = Field(None, max_length=9)
    code: str | None = Field(None, max_length=8)
    address: str | None = Field(None, max_length=255)
    is_active: bool | None = None


@router.get("", response=list[OrgUnitOut], summary="List visible org units in tree order")
@paginate(Pagination)
def list_units(request, kind: OrgKind | None = None, parent_id: int | None = None):
    queryset = selectors.org_units_visible(actor(request))
    if kind:
        queryset = queryset.filter(kind=kind)
    if parent_id is not None:
        parent = selectors.org_unit_get(actor(request), parent_id)
        queryset = queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
    return selectors.with_parent_id(queryset)


@router.get("/tree", response=list[OrgUnitTreeOut], summary="The visible tree, nested")
def tree(request):
    units = list(selectors.with_parent_id(selectors.org_units_visible(actor(request))))
    nodes = {u.path: OrgUnitTreeOut.from_orm(u).model_dump() for u in units}
    roots = []
    for unit in units:
        node = nodes[unit.path]
        parent = nodes.get(parent_path(unit.path))
        (parent["children"] if parent else roots).append(node)
    return roots


@router.get("/{unit_id}", response=OrgUnitOut)
def get_unit(request, unit_id: int):
    return selectors.org_unit_with_parent(actor(request), unit_id)


@router.post("", response={201: OrgUnitOut}, summary="Add a unit under a parent (administrators)")
def create_unit(request, payload: OrgUnitIn):
    parent = selectors.org_unit_get(actor(request), payload.parent_id, perm=Perm.ORGS_MANAGE)
    unit = services.org_unit_create(
        actor=actor(request), parent=parent, **payload.dict(exclude={"parent_id"})
    )
    return Status(
        201, selectors.org_unit_with_parent(actor(request), unit.pk, perm=Perm.ORGS_MANAGE)
    )


@router.patch("/{unit_id}", response=OrgUnitOut)
def update_unit(request, unit_id: int, payload: OrgUnitPatch):
    unit = selectors.org_unit_get(actor(request), unit_id, perm=Perm.ORGS_MANAGE)
    # A null in a PATCH means "leave as it is": these fields have no empty state.
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    services.org_unit_update(actor=actor(request), unit=unit, **changes)
    return selectors.org_unit_with_parent(actor(request), unit_id, perm=Perm.ORGS_MANAGE)
