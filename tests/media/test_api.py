"""The news API: the public read of published news, and the newsroom for staff through the
same services as the pages, scoped (404 outside), with idempotent creation."""

import datetime as dt
import json

import pytest

from pervichka.accounts.services import api_token_create
from pervichka.media import services
from pervichka.media.models import NewsItem
from pervichka.projects.selectors import catalog_project
from tests import clock
from tests.media.conftest import news_data


@pytest.fixture
def api(client):
    """A client that calls the API with a user's token (None: anonymous)."""

    class Api:
        def __init__(self, user, language="ru"):
            self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
            if user is not None:
                token = api_token_create(actor=user, name="t")[1]
                self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

        def __call__(self, method, path, body=None, **headers):
            kwargs = {"content_type": "application/json"} if body is not None else {}
            return getattr(client, method)(
                "/api/v1" + path,
                json.dumps(body) if body is not None else None,
                **kwargs,
                **self.headers,
                **headers,
            )

    return Api


def draft_body(tree, **changes):
    body = {
        "unit_id": tree.primary_a.pk,
        "title": "Талшик: субботник",
        "title_kk": "Талшик: сенбілік",
        "lead": "Жители села убрали парк.",
        "lead_kk": "Ауыл тұрғындары саябақты тазалады.",
        "body": '<p onclick="x()">Сорок человек <script>alert(1)</script></p>',
        "body_kk": "<p>Қырық адам</p>",
        "projects": ["tazalike"],
    }
    return body | changes


def test_public_list_shows_published_news_only_without_login(api, published, tree, correspondent_a):
    draft = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data("Черновик")
    )
    response = api(None)("get", "/public/news")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == published.pk
    assert item["title_kk"] == "Талшик: сенбілік"
    assert item["url"] == f"http://testserver/news/{published.pk}/"
    assert item["unit_id"] == tree.primary_a.pk
    assert item["cover"] is None
    one = api(None)("get", f"/public/news/{published.pk}").json()
    assert one["body"] == "<p>В субботу <strong>сорок</strong> человек вышли на уборку.</p>"
    # A draft is not public: the same answer as for an item that does not exist.
    assert api(None)("get", f"/public/news/{draft.pk}").status_code == 404
    assert api(None)("get", "/public/news/999999").status_code == 404


def test_public_list_filters_by_unit_project_and_month(api, tree, correspondent_a, press_secretary):
    def publish(**changes):
        item = services.news_create(
            actor=correspondent_a, unit=tree.primary_a, data=news_data(**changes)
        )
        for actor, action in (
            (correspondent_a, "submit"),
            (press_secretary, "approve"),
            (press_secretary, "publish"),
        ):
            item = services.news_act(actor=actor, item=item, action=action)
        return item

    tagged = publish(title="С тегом", projects=[catalog_project("tazalike")])
    plain = publish(title="Без тега")
    anon = api(None)

    def ids(query):
        return {i["id"] for i in anon("get", "/public/news" + query).json()["items"]}

    assert ids("") == {tagged.pk, plain.pk}
    assert ids("?project=tazalike") == {tagged.pk}
    assert ids(f"?unit_id={tree.primary_a.pk}") == {tagged.pk, plain.pk}
    assert ids(f"?unit_id={tree.district.pk}") == {tagged.pk, plain.pk}
    assert ids(f"?unit_id={tree.primary_b.pk}") == set()
    this_month = clock.TODAY.strftime("%Y-%m")
    assert ids(f"?month={this_month}") == {tagged.pk, plain.pk}
    assert ids("?month=2001-11") == set()
    assert ids("?month=9999-12") == set()
    bad = anon("get", "/public/news?month=12.2026")
    assert bad.status_code == 422
    assert "month" in bad.json()["errors"]
    assert anon("get", "/public/news?limit=2").json()["count"] == 2


def test_staff_workflow_through_the_api_uses_the_services(
    api, tree, correspondent_a, press_secretary
):
    writer, moderator = api(correspondent_a), api(press_secretary)
    created = writer("post", "/media/news", draft_body(tree))
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["status"] == "draft"
    assert item["projects"] == ["tazalike"]
    # Sanitised by the same service as the page: no script, no handler.
    assert item["body"] == "<p>Сорок человек </p>"
    pk = item["id"]
    assert writer("post", f"/media/news/{pk}/actions", {"action": "submit"}).json()["status"] == (
        "submitted"
    )
    queue = moderator("get", "/media/queue").json()
    assert [row["item"]["id"] for row in queue] == [pk]
    refused = moderator("post", f"/media/news/{pk}/actions", {"action": "request_changes"})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["note"]
    back = moderator(
        "post", f"/media/news/{pk}/actions", {"action": "request_changes", "note": "Фото"}
    ).json()
    assert back["status"] == "changes"
    assert back["status_note"] == "Фото"
    edited = writer("patch", f"/media/news/{pk}", {"lead": "Новый лид."}).json()
    assert edited["lead"] == "Новый лид."
    assert edited["title"] == "Талшик: субботник"
    assert edited["projects"] == ["tazalike"]
    for actor, action in ((writer, "submit"), (moderator, "approve"), (moderator, "publish")):
        response = actor("post", f"/media/news/{pk}/actions", {"action": action})
        assert response.status_code == 200, (action, response.content)
    assert NewsItem.objects.get(pk=pk).status == "published"
    assert api(None)("get", f"/public/news/{pk}").json()["lead"] == "Новый лид."
    # The author may not publish nor withdraw: a moderator's action.
    assert writer("post", f"/media/news/{pk}/actions", {"action": "unpublish"}).status_code == 404
    withdrawn = moderator(
        "post", f"/media/news/{pk}/actions", {"action": "unpublish", "note": "ошибка"}
    )
    assert withdrawn.json()["status"] == "unpublished"
    assert api(None)("get", f"/public/news/{pk}").status_code == 404
    history = [h.history_change_reason for h in NewsItem.objects.get(pk=pk).history.all()]
    assert "unpublish: ошибка" in history
    assert "create" in history


def test_submission_with_an_iin_is_refused_in_the_callers_language(api, tree, correspondent_a):
    body = draft_body(tree, body="<p>ИИН 900101300126</p>")
    pk = api(correspondent_a)("post", "/media/news", body).json()["id"]
    response = api(correspondent_a, language="en")(
        "post", f"/media/news/{pk}/actions", {"action": "submit"}
    )
    assert response.status_code == 422
    assert "personal data" in response.json()["message"]
    assert NewsItem.objects.get(pk=pk).status == "draft"


def test_creation_is_idempotent_and_a_reused_key_with_other_content_is_refused(
    api, tree, correspondent_a, correspondent_b
):
    writer = api(correspondent_a)
    first = writer("post", "/media/news", draft_body(tree), HTTP_IDEMPOTENCY_KEY="k-1")
    again = writer("post", "/media/news", draft_body(tree), HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert NewsItem.objects.count() == 1
    other = writer(
        "post", "/media/news", draft_body(tree, title="Другое"), HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 409
    # Another primary's correspondent reusing the key learns nothing of the first item.
    stranger = api(correspondent_b)(
        "post",
        "/media/news",
        draft_body(tree, unit_id=tree.primary_b.pk),
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert stranger.status_code == 409
    assert "Талшик" not in stranger.content.decode()
    assert NewsItem.objects.count() == 1


def test_bad_input_gets_field_errors_and_writes_nothing(api, tree, correspondent_a):
    writer = api(correspondent_a)
    response = writer("post", "/media/news", draft_body(tree, title="", projects=["nope"]))
    assert response.status_code == 422
    assert "title" in response.json()["errors"]
    response = writer("post", "/media/news", draft_body(tree, projects=["nope"]))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["projects"]
    # A NUL byte is refused before any view (core.errors.InputSanityMiddleware).
    response = writer("post", "/media/news", draft_body(tree, title="x\x00y"))
    assert response.status_code == 400
    assert NewsItem.objects.count() == 0


def test_a_correspondent_of_another_primary_and_a_press_secretary_of_another_district_get_404(
    api, tree, draft, correspondent_b, press_secretary_other
):
    for user in (correspondent_b, press_secretary_other):
        outsider = api(user)
        assert outsider("get", f"/media/news/{draft.pk}").status_code == 404
        assert outsider("patch", f"/media/news/{draft.pk}", {"title": "Взлом"}).status_code == 404
        for action in ("submit", "approve", "publish", "archive"):
            response = outsider("post", f"/media/news/{draft.pk}/actions", {"action": action})
            assert response.status_code == 404
        assert outsider("post", "/media/news", draft_body(tree)).status_code == 404
        listed = outsider("get", "/media/news").json()
        assert listed["count"] == 0
        assert outsider("get", "/media/queue").json() == []
    draft.refresh_from_db()
    assert (draft.status, draft.title) == ("draft", "Талшик: субботник")
    assert NewsItem.objects.count() == 1


def test_staff_operations_need_a_login(api, draft):
    response = api(None)("get", "/media/news")
    assert response.status_code == 401


def test_scheduling_takes_a_moment_without_offset_as_local_time(
    api, tree, draft, correspondent_a, press_secretary
):
    services.news_act(actor=correspondent_a, item=draft, action="submit")
    services.news_act(actor=press_secretary, item=draft, action="approve")
    moderator = api(press_secretary)
    past = moderator(
        "post",
        f"/media/news/{draft.pk}/actions",
        {"action": "schedule", "publish_at": "2001-01-01T10:00:00"},
    )
    assert past.status_code == 422
    assert list(past.json()["errors"]) == ["publish_at"]
    moment = f"{clock.TODAY.year + 1}-01-05T10:00:00"
    response = moderator(
        "post", f"/media/news/{draft.pk}/actions", {"action": "schedule", "publish_at": moment}
    )
    assert response.status_code == 200
    stored = dt.datetime.fromisoformat(response.json()["publish_at"].replace("Z", "+00:00"))
    assert stored == dt.datetime(clock.TODAY.year + 1, 1, 5, 10, tzinfo=clock.ALMATY)
