"""The authorization matrix by role: for every role, a user holding it inside primary A's
subtree reaches exactly the pages its permissions allow (200), and a user holding it outside
the subtree reaches none of them (404). The rule of each page is declared here once, as the
permission it needs at the unit the object belongs to; `ROLE_PERMISSIONS` is the spec."""

import pytest
from django.urls import reverse

from pervichka.core.roles import ROLE_UNIT_KINDS, Perm, Role
from pervichka.core.scoping import forget_scope, has_perm_at, scope_paths
from tests.factories import UserFactory, grant
from tests.test_authorization import OBJECT_PAGES
from tests.test_authorization import cast as cast

P = Perm
# page → (permission needed for GET, the unit whose subtree must hold it). Pages that only
# take POST, or that belong to the user who made the object, are listed with None.
PAGE_RULES = {
    "people:detail": (P.MEMBERS_VIEW, "primary_a"),
    "people:edit": (P.MEMBERS_MANAGE, "primary_a"),
    "people:archive": (P.MEMBERS_MANAGE, "primary_a"),
    "people:history": (P.PEOPLE_HISTORY, "primary_a"),
    "people:import_report": None,  # the importer's own
    "people:import_decide": None,
    "people:import_refused": None,  # the importer's own
    "people:transfer_decide": None,  # POST only: the keeper decides (tests/people)
    "people:consent_add": None,  # POST only (tests/people/test_consents.py)
    "people:consent_withdraw": None,  # POST only
    "people:consent_document": None,  # no document: missing for everyone
    "privacy:subject": (P.PRIVACY_SUBJECTS, "primary_a"),
    "privacy:subject_export": (P.PRIVACY_SUBJECTS, "primary_a"),
    "privacy:subject_anonymise": None,  # POST only (tests/privacy)
    "privacy:breach": (P.PRIVACY_BREACHES, "district"),
    "outreach:segment": (P.OUTREACH_VIEW, "primary_a"),
    "outreach:meeting": (P.OUTREACH_VIEW, "primary_a"),
    "outreach:question_to_appeal": None,  # POST only (tests/outreach)
    "outreach:person_categories": (P.OUTREACH_MANAGE, "primary_a"),
    "outreach:mailing": (P.OUTREACH_VIEW, "primary_a"),
    "outreach:mailing_log": (P.OUTREACH_VIEW, "primary_a"),
    "outreach:reception_poster": (P.OUTREACH_VIEW, "primary_a"),
    "orgs:detail": (P.ORGS_VIEW, "primary_a"),
    "orgs:position_end": None,  # POST only
    "accounts:token_revoke": None,  # the token's owner only
    "appeals:detail": (P.APPEALS_VIEW, "primary_a"),
    "appeals:act": None,
    "appeals:coupon": (P.APPEALS_VIEW, "primary_a"),
    "appeals:attachments_add": None,
    "appeals:attachment": (P.APPEALS_PII, "primary_a"),
    "appeals:reception": (P.APPEALS_VIEW, "district"),
    "appeals:reception_edit": (P.APPEALS_ADMIN, "district"),
    "appeals:office_edit": (P.APPEALS_ADMIN, "district"),
    "dues:primary": (P.DUES_VIEW, "primary_a"),
    "dues:fund": (P.DUES_VIEW, "primary_a"),
    "dues:member": (P.DUES_VIEW, "primary_a"),
    "dues:pay": (P.DUES_RECORD, "primary_a"),
    "dues:payment_reverse": None,
    "dues:spending": (P.DUES_VIEW, "primary_a"),
    "dues:spending_decide": None,
    "dues:spending_receipt": None,
    "dues:spending_receipt_file": None,  # no receipt yet: missing for everyone
    "dues:statement": (P.DUES_RECORD, "district"),
    "youth:person": (P.YOUTH_VIEW, "primary_a"),
    "youth:case_open": None,
    "youth:case": (P.YOUTH_VIEW, "primary_a"),
    "youth:case_act": None,
    "projects:event": (P.PROJECTS_VIEW, "primary_a"),
    "projects:event_act": None,  # POST only
    "projects:event_photo": (P.PROJECTS_VIEW, "primary_a"),
    "greening:planting": (P.PROJECTS_VIEW, "primary_a"),
    "projects:volunteer": (P.PROJECTS_VIEW, "primary_a"),
    "projects:target_set": None,  # POST only
    "projects:participation_join": None,  # POST only
    "projects:participation_leave": None,  # POST only
    # Either right opens the contest's ideas: moderators see all, the jury the published.
    "ideas:idea": ((P.PROJECTS_ADMIN, P.IDEAS_JURY), "district"),
    "ideas:shortlist": ((P.PROJECTS_ADMIN, P.IDEAS_JURY), "district"),
    "deputies:detail": (P.ORGS_VIEW, "district"),
    "deputies:edit": (P.ORGS_MANAGE, "district"),
    "promises:detail": (P.PROMISES_VIEW, "district"),
    "promises:edit": (P.PROMISES_MANAGE, "district"),
    "promises:link": None,  # POST only
    "promises:evidence": (P.PROMISES_VIEW, "district"),
    "training:cohort": (P.TRAINING_VIEW, "district"),
    "training:cohort_act": None,  # POST only
    "training:cohort_trainers": (P.TRAINING_MANAGE, "district"),
    "training:attendance": (P.TRAINING_MANAGE, "district"),
    # The holder's primary or the cohort's organizer: either scope shows the certificate.
    "training:certificate": (P.TRAINING_VIEW, "primary_a"),
    "rating:compute": None,  # POST only
    "rating:run": (P.RATING_VIEW, "district"),  # read from below: every chair of the district
    "rating:run_act": None,  # POST only
    "rating:score": (P.RATING_VIEW, "primary_a"),
    "rating:object": None,  # POST only
    "rating:objection": (P.RATING_VIEW, "primary_a"),
    "rating:objection_file": (P.RATING_VIEW, "primary_a"),
    "rating:adopt": None,  # POST only
    "rating:methodology_edit": None,  # POST only (tests/rating/test_views.py)
    "rating:methodology_approve": None,  # POST only
    "rating:audit": (P.RATING_MANAGE, "district"),
    "rating:audit_decide": None,  # POST only (tests/rating/test_audit.py)
    "media:item": (P.MEDIA_VIEW, "primary_a"),
    "media:edit": (P.MEDIA_WRITE, "primary_a"),
    "media:act": None,  # POST only
    "media:cover": (P.MEDIA_VIEW, "primary_a"),
    "media:telegram": None,  # POST only
    "media:kit": (P.MEDIA_VIEW, "district"),  # read from below: every primary of the district
    "media:kit_picture": (P.MEDIA_VIEW, "district"),
    "media:kit_use": None,  # POST only (tests/media/test_kits.py)
    "media:cover_people": None,  # POST only (tests/media/test_photos.py)
    "media:photo_add": None,  # POST only
    "media:photo_edit": None,  # POST only
    "media:photo_remove": None,  # POST only
    "media:photo_image": (P.MEDIA_VIEW, "primary_a"),
    "media:partner": (P.MEDIA_MODERATE, "district"),
    "media:partner_active": None,  # POST only (tests/media/test_partners.py)
    "media:partner_news_add": None,  # POST only
    "media:partner_news_remove": None,  # POST only
}


# The election programme is the district's: its promises are read by whoever holds the
# permission at the district or anywhere inside it (a primary's chair), not only above it.
READ_FROM_BELOW = {
    "promises:detail", "promises:evidence", "rating:run", "media:kit", "media:kit_picture",
}  # fmt: skip
READ_FROM_BELOW_API = {
    "/api/v1/promises/{promise_id}",
    "/api/v1/rating/runs/{run_id}",
    "/api/v1/rating/methodologies/{methodology_id}",
}


def _allowed(user, perm, path: str, *, from_below: bool) -> bool:
    if has_perm_at(user, perm, path):
        return True
    return from_below and any(p.startswith(path) for p in scope_paths(user, perm) or ())


def test_every_object_page_has_a_role_rule():
    assert set(PAGE_RULES) == set(OBJECT_PAGES)


def _holder(role: str, tree, *, inside: bool, beyond_district: bool = False):
    """A user with `role` at the nearest unit it may be held at, in or out of A's subtree
    (`beyond_district`: out of A's district too)."""
    kinds = ROLE_UNIT_KINDS[role]
    if inside:
        unit = (
            tree.primary_a
            if "primary" in kinds and role == Role.CHAIR
            else (tree.district if "district" in kinds else tree.primary_a)
        )
    elif "district" in kinds:
        unit = tree.other_district
    else:
        unit = tree.primary_c if beyond_district else tree.primary_b
    where = "in" if inside else ("far" if beyond_district else "out")
    user = grant(UserFactory(username=f"{role}-{where}"), role, unit)
    forget_scope(user)
    return user


@pytest.mark.parametrize("role", Role.values)
def test_a_role_inside_the_subtree_reaches_what_its_permissions_allow(cast, client, role):
    user = _holder(role, cast["tree"], inside=True)
    client.force_login(user)
    for name, rule in PAGE_RULES.items():
        if rule is None:
            continue
        perms, unit = rule
        perms = perms if isinstance(perms, tuple) else (perms,)
        path = getattr(cast["tree"], unit).path
        allowed = any(_allowed(user, p, path, from_below=name in READ_FROM_BELOW) for p in perms)
        response = client.get(reverse(name, args=OBJECT_PAGES[name](cast)))
        assert response.status_code == (200 if allowed else 404), (role, name)


@pytest.mark.parametrize("role", Role.values)
def test_a_role_outside_the_subtree_reaches_nothing(cast, client, role):
    user = _holder(role, cast["tree"], inside=False)
    far = _holder(role, cast["tree"], inside=False, beyond_district=True)
    for name in OBJECT_PAGES:
        client.force_login(far if name in READ_FROM_BELOW else user)
        url = reverse(name, args=OBJECT_PAGES[name](cast))
        assert client.get(url).status_code in (404, 405), (role, name, "GET")
        assert client.post(url).status_code == 404, (role, name, "POST")


def test_the_superuser_reaches_every_page(cast, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.org", "x"))
    for name, rule in PAGE_RULES.items():
        if rule is not None:
            assert client.get(reverse(name, args=OBJECT_PAGES[name](cast))).status_code == 200


@pytest.mark.parametrize("role", Role.values)
def test_a_role_outside_the_subtree_gets_404_from_every_api_object(cast, client, role):
    from tests.test_authorization import API_BODIES, API_CREATES, API_OBJECT_OPERATIONS

    user = _holder(role, cast["tree"], inside=False)
    far = _holder(role, cast["tree"], inside=False, beyond_district=True)
    for path, params in API_OBJECT_OPERATIONS.items():
        client.force_login(far if path in READ_FROM_BELOW_API else user)
        url = path.format(**params(cast))
        for method in ("get", "post", "patch", "put"):
            response = getattr(client, method)(
                url, API_BODIES.get(path, {}), content_type="application/json"
            )
            assert response.status_code in (404, 405), (role, method, path)
    client.force_login(user)
    for path, body in API_CREATES.items():
        response = client.post(path, body(cast), content_type="application/json")
        assert response.status_code == 404, (role, path)
