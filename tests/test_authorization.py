"""Every URL and every API operation is listed here with who may reach it, and the chair of
primary B (the outsider) is shown to get 404 on primary A's objects and to find none of
primary A's data in lists. A new URL or operation that is not listed fails this test, so
nobody can add an endpoint without deciding its access rule."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api
from pervichka.people.importing import member_import_check
from tests.people.test_import import row, xlsx

OUR_NAMESPACES = {"core", "accounts", "orgs", "people"}

# Pages about one object of primary A: the outsider must get 404.
OBJECT_PAGES = {
    "people:detail": lambda c: [c["member"].pk],
    "people:edit": lambda c: [c["member"].pk],
    "people:archive": lambda c: [c["member"].pk],
    "people:history": lambda c: [c["member"].person_id],
    "people:import_report": lambda c: [c["job"].token],
    "people:import_decide": lambda c: [c["job"].token],
    "orgs:detail": lambda c: [c["tree"].primary_a.pk],
    "orgs:position_end": lambda c: [c["position"].pk],
    "accounts:token_revoke": lambda c: [c["token"].pk],
}
# Pages that list or create within the user's own scope: the outsider sees none of A's data.
SCOPED_PAGES = {
    "core:home",
    "people:list",
    "people:export",
    "people:add",
    "people:import",
    "people:import_template",
    "orgs:tree",
    "accounts:tokens",
    "accounts:password_change",
}
# Pages anyone may open.
PUBLIC_PAGES = {"accounts:login", "accounts:logout", "core:healthz"}


def our_url_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in OUR_NAMESPACES and p.name:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_page_has_an_access_rule():
    unlisted = our_url_names() - set(OBJECT_PAGES) - SCOPED_PAGES - PUBLIC_PAGES
    assert not unlisted, f"add these URLs to tests/test_authorization.py: {sorted(unlisted)}"


@pytest.fixture
def cast(tree, chair_a, member_a, district_admin):
    from pervichka.accounts.services import api_token_create
    from pervichka.orgs.services import position_assign

    position = position_assign(
        actor=district_admin,
        org_unit=tree.primary_a,
        person=member_a.person,
        kind="secretary",
        start=member_a.joined,
    )
    job = member_import_check(actor=chair_a, upload=xlsx([row()]))
    token, _raw = api_token_create(actor=chair_a, name="a")
    return {"tree": tree, "member": member_a, "job": job, "position": position, "token": token}


@pytest.mark.parametrize("name", sorted(OBJECT_PAGES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_on_object_pages(cast, login, chair_b, name, method):
    url = reverse(name, args=OBJECT_PAGES[name](cast))
    response = getattr(login(chair_b), method)(url)
    assert response.status_code in (404, 405)
    if response.status_code == 405:
        assert method == "get"  # a POST-only URL; its POST is checked in the other case


@pytest.mark.parametrize("name", sorted(SCOPED_PAGES))
def test_outsider_finds_none_of_primary_a_in_scoped_pages(cast, login, chair_b, name):
    response = login(chair_b).get(reverse(name))
    assert response.status_code == 200
    assert "Ахметова".encode() not in response.content
    assert cast["member"].person.iin[-4:].encode() not in response.content


def api_operations():
    spec = api.get_openapi_schema()
    return sorted((path, method) for path, ops in spec["paths"].items() for method in ops)


API_OBJECT_OPERATIONS = {
    "/api/v1/org-units/{unit_id}": lambda c: {"unit_id": c["tree"].primary_a.pk},
    "/api/v1/persons/{person_id}": lambda c: {"person_id": c["member"].person_id},
    "/api/v1/memberships/{membership_id}": lambda c: {"membership_id": c["member"].pk},
    "/api/v1/memberships/{membership_id}/archive": lambda c: {"membership_id": c["member"].pk},
}
API_BODIES = {
    "/api/v1/persons/{person_id}": {"surname": "Взлом"},
    "/api/v1/memberships/{membership_id}": {"card_number": "X"},
    "/api/v1/memberships/{membership_id}/archive": {"left": "2025-01-01", "reason": "moved"},
    "/api/v1/org-units/{unit_id}": {"name": "Взлом"},
}
API_LISTS = {
    ("/api/v1/org-units", "get"),
    ("/api/v1/org-units/tree", "get"),
    ("/api/v1/persons", "get"),
    ("/api/v1/memberships", "get"),
}
# Creation: the outsider names primary A (or a unit above it) as the place to create in.
API_CREATES = {
    "/api/v1/org-units": lambda c: {"parent_id": c["tree"].primary_a.pk, "name": "X"},
    "/api/v1/persons": lambda c: {
        "unit_id": c["tree"].primary_a.pk,
        "surname": "X",
        "name": "Y",
        "consent_method": "paper",
    },
    "/api/v1/memberships": lambda c: {
        "primary_id": c["tree"].primary_a.pk,
        "joined": "2025-01-01",
        "person": {"iin": "900101300126", "surname": "X", "name": "Y", "consent_method": "paper"},
    },
}


def test_every_api_operation_has_an_access_rule():
    listed = (
        {(p, m) for p in API_OBJECT_OPERATIONS for m in ("get", "patch", "post")}
        | API_LISTS
        | {(p, "post") for p in API_CREATES}
    )
    unlisted = [op for op in api_operations() if op not in listed]
    assert not unlisted, f"add these operations to tests/test_authorization.py: {unlisted}"


@pytest.mark.parametrize(("path", "method"), api_operations())
def test_outsider_gets_404_or_nothing_from_every_api_operation(cast, login, chair_b, path, method):
    client = login(chair_b)
    if path in API_OBJECT_OPERATIONS:
        url = path.format(**API_OBJECT_OPERATIONS[path](cast))
        response = getattr(client, method)(
            url, API_BODIES.get(path, {}), content_type="application/json"
        )
        assert response.status_code == 404
    elif (path, method) in API_LISTS:
        response = client.get(path)
        assert response.status_code == 200
        text = json.dumps(response.json(), ensure_ascii=False)
        assert "Ахметова" not in text
        assert "ППО Талшик" not in text
        assert "Айсары" in text or path.endswith(("persons", "memberships"))
    else:
        response = client.post(path, API_CREATES[path](cast), content_type="application/json")
        assert response.status_code == 404
    cast["member"].refresh_from_db()
    assert cast["member"].person.surname == "Ахметова"
    assert cast["member"].status == "active"
