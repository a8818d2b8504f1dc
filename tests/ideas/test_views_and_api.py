"""Project pages as their users meet them, the public portal's contest, and the API over real
HTTP. Who may not reach what is in tests/test_authorization*.py (the matrices)."""

import re

import pytest
from django.core.cache import cache

from pervichka.core.notify import LocmemSMSBackend
from pervichka.ideas.models import Idea, Vote
from tests import clock
from tests.api.conftest import Api
from tests.api.conftest import api_as as api_as  # a fixture

TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


def idea_form(tree, key="k-0000000001", **extra):
    return {
        "settlement": tree.village.pk,
        "title": "Каток во дворе школы",
        "text": "Заливать каток во дворе школы зимой силами родителей и старшеклассников.",
        "surname": "Жителева",
        "name": "Алия",
        "phone": "8 701 222 33 44",
        "consent": "on",
        "idempotency_key": key,
        **extra,
    }


@pytest.mark.django_db
def test_an_incomplete_score_or_an_unknown_action_is_never_reported_as_saved(
    login, juror, published_idea, contest
):
    _skipped, *others = list(contest.criteria.all())
    client = login(juror)
    url = f"/projects/ideas/{published_idea.pk}/"
    page = client.post(
        url,
        {"action": "score", **{f"c{c.pk}": "8" for c in others}},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Score the idea on every criterion." in text
    assert "Your scores are saved." not in text
    assert published_idea.scores.count() == 0
    assert client.post(url, {"action": "moderate", "to": "rejected"}).status_code == 404
    assert client.post(url, {"action": "nonsense"}).status_code == 404


@pytest.mark.django_db
def test_the_jury_scores_and_the_district_moderates_on_the_pages(
    login, juror, district_admin, submit_idea, published_idea, contest
):
    criteria = list(contest.criteria.all())
    client = login(juror)
    assert (
        client.get(f"/projects/ideas/{submit_idea(title='Не опубликована').pk}/").status_code == 404
    )
    page = client.get(f"/projects/ideas/{published_idea.pk}/").content.decode()
    assert "+77011234567" not in page  # the jury does not see the author
    client.post(
        f"/projects/ideas/{published_idea.pk}/",
        {"action": "score", **{f"c{c.pk}": "8" for c in criteria}},
    )
    assert published_idea.scores.count() == 3
    fresh = submit_idea(title="На модерации")
    admin = login(district_admin)
    assert "+77011234567" in admin.get(f"/projects/ideas/{fresh.pk}/").content.decode()
    admin.post(
        f"/projects/ideas/{fresh.pk}/", {"action": "moderate", "to": "rejected", "reason": ""}
    )
    fresh.refresh_from_db()
    assert fresh.status == "submitted"  # a rejection needs a reason
    admin.post(
        f"/projects/ideas/{fresh.pk}/",
        {"action": "moderate", "to": "rejected", "reason": "Это вопрос для акимата"},
    )
    fresh.refresh_from_db()
    assert fresh.status == "rejected"
    shortlist = admin.get(f"/projects/contests/{contest.pk}/shortlist/").content.decode()
    assert "0.70 × " in shortlist or "0.70 ×" in shortlist


@pytest.mark.django_db
def test_a_citizen_submits_an_idea_once_however_often_the_form_is_sent(client, tree, contest):
    first = client.post("/ideas/new/", idea_form(tree))
    second = client.post("/ideas/new/", idea_form(tree))
    idea = Idea.objects.get()
    assert first.url == second.url == f"/ideas/{idea.code}/"
    page = client.get(first.url).content.decode()
    assert 'data-status="submitted"' in page
    assert "Жителева" not in page
    assert "222" not in page
    assert idea.author.phone == "+77012223344"


@pytest.mark.django_db
def test_the_idea_form_refuses_bots_missing_consent_and_floods(client, tree, contest, settings):
    client.post("/ideas/new/", idea_form(tree, website="http://spam"))
    assert not Idea.objects.exists()
    response = client.post("/ideas/new/", idea_form(tree, consent=""), HTTP_ACCEPT_LANGUAGE="kk")
    assert "келісім" in response.content.decode().lower()
    assert not Idea.objects.exists()
    cache.clear()  # the refused attempt above counted too; start the hour afresh
    settings.PERVICHKA_PUBLIC_RATE_PER_HOUR = 2
    statuses = [
        client.post("/ideas/new/", idea_form(tree, key=f"k-flood-{n:04d}")).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Idea.objects.count() == 2


@pytest.mark.django_db
def test_published_ideas_are_listed_and_the_ranking_shows_its_formula(
    client, published_idea, submit_idea, contest
):
    hidden = submit_idea(title="Ещё на модерации")
    listing = client.get("/ideas/").content.decode()
    assert published_idea.title in listing
    assert hidden.title not in listing
    ranking = client.get(f"/ideas/shortlist/{contest.pk}/").content.decode()
    assert published_idea.title in ranking
    assert "0.70 ×" in ranking


@pytest.mark.django_db
def test_a_citizen_votes_with_a_code_on_the_pages_once(client, published_idea):
    LocmemSMSBackend.outbox.clear()
    step = client.post(f"/ideas/{published_idea.code}/vote/", {"phone": "+7 747 111 22 33"})
    token = re.search(r'name="token" value="([^"]+)"', step.content.decode()).group(1)
    code = re.search(r"\b(\d{6})\b", LocmemSMSBackend.outbox[-1][1]).group(1)
    done = client.post(
        f"/ideas/{published_idea.code}/vote/confirm/", {"token": token, "code": code}
    )
    assert done.status_code == 302
    assert 'data-votes="1"' in client.get(done.url).content.decode()
    again = client.post(f"/ideas/{published_idea.code}/vote/", {"phone": "87471112233"})
    assert again.status_code == 400
    assert Vote.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_public_contest_over_http(api_as, tree, district_admin, contest):
    LocmemSMSBackend.outbox.clear()
    public = Api(api_as().base.removesuffix("/api/v1"), language="en")
    body = {
        "settlement_id": tree.village.pk,
        "title": "Wi-Fi в библиотеке",
        "text": "Подключить бесплатный Wi-Fi в сельской библиотеке для школьников.",
        "surname": "Апиев",
        "name": "Ерлан",
        "phone": "+77015556677",
        "consent": True,
    }
    first = public.post("/public/ideas", json=body, headers={"Idempotency-Key": "api-idea-0001"})
    retry = public.post("/public/ideas", json=body, headers={"Idempotency-Key": "api-idea-0001"})
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["code"] == retry.json()["code"]
    assert "Апиев" not in first.text
    code = first.json()["code"]
    idea = Idea.objects.get(code=code)
    admin = api_as(district_admin, language="en")
    assert (
        admin.post(f"/projects/ideas/{idea.pk}/moderation", json={"to": "published"}).json()[
            "status"
        ]
        == "published"
    )
    sent = public.post(f"/public/ideas/{code}/vote-code", json={"phone": "+77015550101"})
    assert sent.status_code == 201, sent.text
    sms = re.search(r"\b(\d{6})\b", LocmemSMSBackend.outbox[-1][1]).group(1)
    voted = public.post("/public/ideas/votes", json={"token": sent.json()["token"], "code": sms})
    assert voted.status_code == 201
    assert voted.json()["votes"] == 1
    twice = public.post(f"/public/ideas/{code}/vote-code", json={"phone": "8 701 555 01 01"})
    assert twice.status_code == 422
    assert "already counted" in twice.text


@pytest.mark.django_db
def test_the_jury_sees_only_the_contest_tab_and_every_link_opens(
    login, juror, district_admin, contest, published_idea
):
    client = login(juror)
    page = client.get("/projects/ideas/").content.decode()
    nav = page[
        page.index('id="projects-nav"') : page.index("</ul>", page.index('id="projects-nav"'))
    ]
    assert re.findall(r'href="([^"]+)"', nav) == ["/projects/ideas/"]
    for href in re.findall(r'href="(/projects/[^"?]*)', page):
        assert client.get(href).status_code == 200, href
    admin_page = login(district_admin).get("/projects/ideas/").content.decode()
    assert 'href="/projects/events/"' in admin_page
    assert 'href="/projects/volunteers/"' in admin_page
