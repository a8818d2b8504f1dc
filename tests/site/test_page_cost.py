"""What a page costs beyond its own query (issue 19, points 1 and 3), and that what is cached
for it stays fresh and stays with its own scope, user and language.

Before this round: the district dashboard ran 2 queries a request on a warm cache (the
user's row and the roles) besides two cache reads; the appeals list 11 (the user, the roles,
a count, a check of the districts, three queue counts, the categories, the villages, a
semi-join over every appeal in scope for the organizations, the page); the member list 4
and its page. Counted with CaptureQueriesContext on the second request (warm caches).
"""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pervichka.accounts import services as account_services
from pervichka.accounts.models import RoleAssignment
from pervichka.appeals.models import Category
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Role
from pervichka.people.models import Membership
from tests.factories import MembershipFactory, SettlementFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def warm_queries(client, url: str, **extra) -> tuple[list[str], str]:
    """The statements of the second request for `url` (the first fills the caches)."""
    assert client.get(url, **extra).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response.content.decode()


def test_the_dashboard_runs_no_query_on_a_warm_cache(login, district_admin, appeal_a):
    queries, page = warm_queries(login(district_admin), reverse("site:home"))
    # Before: 2 (the user's row, the roles). The session, the user with the roles and the
    # figures with their write counter come from the cache in three round trips.
    assert queries == []
    assert 'id="section-appeals"' in page


@pytest.mark.parametrize("who", ["district_admin", "chair_a"])
def test_the_appeals_list_runs_its_page_query_alone(request, login, who, appeal_a):
    client = login(request.getfixturevalue(who))
    queries, page = warm_queries(client, reverse("appeals:list") + "?q=дорог")
    # Before: 11. A first page shorter than 50 rows is the whole list: no COUNT.
    assert len(queries) == 1, queries
    assert "appeals_appeal" in queries[0]
    assert "COUNT(" not in queries[0].upper()
    assert appeal_a.number in page
    assert "Талшик" in page  # the village filter still offers the district's villages


def test_a_full_first_page_is_counted_once_and_fetched_once(login, district_admin, tree):
    MembershipFactory.create_batch(26, primary=tree.primary_a)
    queries, page = warm_queries(login(district_admin), reverse("people:list"))
    # Before: 4 and the page. Now the page and its capped count, nothing else.
    assert len(queries) == 2, queries
    assert sum("COUNT(" in q.upper() for q in queries) == 1
    assert 'id="member-table"' in page or "26" in page


def test_a_short_list_is_not_counted():
    rows = Membership.objects.none()
    page = CappedPaginator(rows.order_by("pk"), 25).get_page(1)
    assert page.paginator.count == 0
    with CaptureQueriesContext(connection) as queries:
        assert page.paginator.count == 0
        assert page.paginator.num_pages == 1
    assert queries.captured_queries == []


def test_the_filter_choices_are_fresh_after_a_write(login, district_admin, tree, appeal_a):
    client = login(district_admin)
    url = reverse("appeals:list")
    assert "Новое село" not in client.get(url).content.decode()
    SettlementFactory(district=tree.district, name="Новое село", kato="593209900")
    Category.objects.create(district=tree.district, code="snow", name="Уборка снега")
    page = client.get(url).content.decode()
    assert "Новое село" in page
    assert "Уборка снега" in page


def test_cached_choices_and_figures_stay_in_their_scope(login, district_admin, other_admin, tree):
    SettlementFactory(district=tree.district, name="Наше село", kato="593209800")
    login(district_admin).get(reverse("appeals:list"))
    login(district_admin).get(reverse("site:home"))
    # Another district's administrator: 404-free, and nothing of the first district.
    client = login(other_admin)
    page = client.get(reverse("appeals:list")).content.decode()
    assert "Наше село" not in page
    assert "Талшик" not in page
    assert "Дальнее" in page
    assert "ППО Талшик" not in client.get(reverse("site:home")).content.decode()


def test_a_revoked_role_takes_effect_on_the_next_request(login, district_admin, tree):
    chair = grant(UserFactory(username="chair_x"), Role.CHAIR, tree.primary_a)
    client = login(chair)
    assert client.get(reverse("appeals:list")).status_code == 200
    assert client.get(reverse("site:home")).status_code == 200  # the user and roles cached
    assignment = RoleAssignment.objects.get(user=chair, org_unit=tree.primary_a)
    account_services.role_revoke(actor=district_admin, assignment=assignment)
    assert client.get(reverse("appeals:list")).status_code == 404
    assert 'href="/appeals/"' not in client.get(reverse("site:home")).content.decode()


def test_a_changed_password_logs_the_cached_session_out(login, chair_a):
    client = login(chair_a)
    assert client.get(reverse("site:home")).status_code == 200
    chair_a.set_password("another-long-password-42")
    chair_a.save()
    response = client.get(reverse("appeals:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_deactivated_user_is_out_at_once(login, chair_a):
    client = login(chair_a)
    assert client.get(reverse("site:home")).status_code == 200
    chair_a.is_active = False
    chair_a.save()
    assert client.get(reverse("appeals:list")).status_code == 302


def _csrf_secret(page: str) -> str:
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    return _unmask_cipher_token(token)


def test_the_cached_page_parts_keep_language_token_and_messages_apart(
    client, district_admin, appeal_a
):
    client.force_login(district_admin)
    english = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert ">Appeals</a>" in english
    assert ">Overdue<" in english
    assert ">Appeals</a>" not in russian
    assert ">Overdue<" not in russian

    # Another user of the same role set gets the same cached parts, with their own CSRF
    # token and without the first one's flash message.
    other = grant(UserFactory(username="district_admin_2", is_staff=True), Role.ADMIN,
                  appeal_a.district)  # fmt: skip
    second = Client()
    second.force_login(other)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Только первому")])
    first_page = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second_page = second.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Только первому" in first_page
    assert "Только первому" not in second_page
    assert 'id="section-appeals"' in second_page
    assert _csrf_secret(first_page) == client.cookies["csrftoken"].value
    assert _csrf_secret(second_page) == second.cookies["csrftoken"].value
    assert _csrf_secret(first_page) != _csrf_secret(second_page)
    again = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Только первому" not in again


def test_without_a_shared_cache_the_user_is_read_from_the_database(
    settings, login, district_admin, appeal_a
):
    # A per-process cache (no Redis) would keep a revoked role alive in the other workers.
    settings.PERVICHKA_AUTH_CACHE = False
    queries, _page = warm_queries(login(district_admin), reverse("site:home"))
    assert len(queries) == 2  # the user's row and the roles
    assert "accounts_user" in queries[0]


def test_the_whole_start_page_is_shared_by_a_role_set_but_not_its_own_parts(
    client, district_admin, appeal_a
):
    # One cached page for both administrators of the district (branch dash-speed): each
    # still gets their own name, CSRF token and flash messages, escaped as before.
    district_admin.first_name, district_admin.last_name = "Айгерим", "<b>Первая</b>"
    district_admin.save()
    other = grant(UserFactory(username="district_admin_2", first_name="Болат", is_staff=True),
                  Role.ADMIN, appeal_a.district)  # fmt: skip
    client.force_login(district_admin)
    second = Client()
    second.force_login(other)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Сообщение первой")])
    first_page = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    with CaptureQueriesContext(connection) as queries:
        second_page = second.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert len(queries.captured_queries) <= 2  # the second user's row and roles: no figures
    assert "Айгерим &lt;b&gt;Первая&lt;/b&gt;" in first_page
    assert "<b>Первая</b>" not in first_page
    assert "Болат" in second_page
    assert "Айгерим" not in second_page
    assert "Сообщение первой" in first_page
    assert "Сообщение первой" not in second_page
    assert "<!--pervichka:" not in first_page + second_page
    assert _csrf_secret(first_page) == client.cookies["csrftoken"].value
    assert _csrf_secret(second_page) == second.cookies["csrftoken"].value
    assert _csrf_secret(first_page) != _csrf_secret(second_page)
    # Every CSRF token of the page (the HTMX header, the language switch, the logout) is
    # the reader's own.
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second_page))
    assert {_unmask_cipher_token(t) for t in tokens} == {second.cookies["csrftoken"].value}
    assert 'name="next" type="hidden" value="/"' in second_page


def test_a_write_shows_on_the_cached_start_page_at_the_next_request(
    login, district_admin, tree, appeal_a
):
    client = login(district_admin)
    assert tree.district.name in client.get(reverse("site:home")).content.decode()
    tree.district.name = "Переименованный район"
    tree.district.save()
    assert "Переименованный район" in client.get(reverse("site:home")).content.decode()


def test_the_cached_start_page_is_per_language(login, district_admin, appeal_a):
    client = login(district_admin)
    english = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = client.get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en">' in english
    assert '<html lang="ru">' in russian
    assert "The district at a glance" in english
    assert "The district at a glance" not in russian


def test_a_chair_of_the_same_district_gets_a_page_of_their_own(
    login, district_admin, chair_a, appeal_a
):
    admin_page = login(district_admin).get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en")
    chair_page = login(chair_a).get(reverse("site:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "The district at a glance" in admin_page.content.decode()
    assert "The district at a glance" not in chair_page.content.decode()


# The appeals list (branch list2): base.html's and the page's fixed parts are rendered once
# per language ({% frozen %}), the filters' choices are cached as labels per scope and
# language, and the rows fetch only the columns the page shows.


def test_the_appeals_list_keeps_each_readers_name_token_messages_and_menu(
    client, district_admin, chair_a, appeal_a
):
    district_admin.first_name, district_admin.last_name = "Айгерим", "<b>Первая</b>"
    district_admin.save()
    other = grant(UserFactory(username="district_admin_2", first_name="Болат", is_staff=True),
                  Role.ADMIN, appeal_a.district)  # fmt: skip
    url = reverse("appeals:list") + "?q=дорог"
    client.force_login(district_admin)
    second, chair = Client(), Client()
    second.force_login(other)
    chair.force_login(chair_a)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Сообщение первой")])
    first_page = client.get(url).content.decode()
    second_page = second.get(url).content.decode()
    chair_page = chair.get(url).content.decode()
    assert "Айгерим &lt;b&gt;Первая&lt;/b&gt;" in first_page
    assert "Болат" in second_page
    assert "Айгерим" not in second_page
    assert "Сообщение первой" in first_page
    assert "Сообщение первой" not in second_page + chair_page
    assert "Сообщение первой" not in client.get(url).content.decode()  # shown once
    for page, reader in ((first_page, client), (second_page, second), (chair_page, chair)):
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
        tokens.add(re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1))
        assert {_unmask_cipher_token(t) for t in tokens} == {reader.cookies["csrftoken"].value}
        # The language switch returns to this very list, filters and all.
        assert 'name="next" type="hidden" value="/appeals/?q=' in page
        assert "?from=appeals%3Alist" in page
    # The menu is the role set's: the district's deputies for its administrator, not a chair.
    assert 'href="/deputies/"' in first_page
    assert 'href="/deputies/"' not in chair_page
    assert 'href="/admin/"' in second_page  # is_staff
    assert 'href="/admin/"' not in chair_page


def test_the_appeals_list_is_in_the_readers_language(login, district_admin, tree, appeal_a):
    category = appeal_a.category
    category.name_en = "Roads and streets"
    category.save()
    client = login(district_admin)
    url = reverse("appeals:list")
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    kazakh = client.get(url, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert '<html lang="ru">' in russian
    assert '<html lang="en">' in english
    assert '<html lang="kk">' in kazakh
    # The active language's button, the page's fixed words and the cached filter labels.
    assert 'class="btn btn-light"\n                    lang="en"' in english
    assert 'class="btn btn-light"\n                    lang="ru"' in russian
    assert ">Export to XLSX<" in english
    assert ">Export to XLSX<" not in russian
    assert ">Log out<" in english
    assert ">Log out<" not in russian
    assert f'<option value="{category.pk}" >Roads and streets</option>' in english
    assert "Roads and streets" not in russian
    assert f'<option value="{category.pk}" >{category.name}</option>' in russian


def test_the_appeals_filters_mark_the_chosen_values_and_escape_labels(
    login, district_admin, tree, appeal_a
):
    hostile = Category.objects.create(
        district=tree.district, code="xss", name="<script>alert(1)</script>"
    )
    client = login(district_admin)
    page = client.get(
        reverse("appeals:list"),
        {"status": appeal_a.status, "category": hostile.pk, "channel": appeal_a.channel},
    ).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert f'<option value="{hostile.pk}" selected>&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert f'<option value="{appeal_a.status}" selected>' in page
    assert f'<option value="{appeal_a.channel}" selected>' in page
    assert page.count(" selected>") == 3


def test_the_appeals_list_without_personal_data_reads_no_citizen(login, auditor, chair_a, appeal_a):
    queries, page = warm_queries(login(auditor), reverse("appeals:list"))
    assert len(queries) == 1, queries
    assert "people_person" not in queries[0]
    assert appeal_a.number in page
    assert "Ахметова" not in page
    # The rows carry only what the page shows: no appeal text, no responsible user.
    assert '"appeals_appeal"."text"' not in queries[0]
    assert "accounts_user" not in queries[0]
    queries, page = warm_queries(login(chair_a), reverse("appeals:list"))
    assert len(queries) == 1, queries
    assert "Ахметова А." in page
