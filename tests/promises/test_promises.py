"""Promises move in stages with evidence; the tracker shows them to everyone; deputies' figures
come from their receptions and appeals."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from pervichka.core.kpis import Period, compute
from pervichka.deputies import selectors as deputy_selectors
from pervichka.promises import services
from tests.promises.conftest import TODAY

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report(promise, actor, status, days_ago=1, **extra):
    return services.promise_report(
        actor=actor,
        promise=promise,
        status=status,
        date=TODAY - dt.timedelta(days=days_ago),
        text=extra.pop("text", "Работы идут"),
        **extra,
    )


def test_a_promise_moves_in_stages_with_evidence(make_promise, district_admin):
    promise = make_promise()
    report(promise, district_admin, "in_progress", days_ago=20)
    with pytest.raises(ValidationError, match="proof"):
        report(promise, district_admin, "done")
    report(promise, district_admin, "done", link="https://akzhar.example.kz/news/1")
    promise.refresh_from_db()
    assert promise.status == "done"
    assert promise.status_since == TODAY - dt.timedelta(days=1)
    assert [u.status for u in promise.updates.all()] == ["done", "in_progress"]
    with pytest.raises(ValidationError, match="cannot become"):
        report(promise, district_admin, "in_progress")


@pytest.mark.parametrize(
    ("status", "due_in", "extra", "message"),
    [
        ("done", -10, {"link": "https://x.kz"}, "done late"),
        ("done_late", 30, {"link": "https://x.kz", "reason": "r"}, "record it as «done»"),
        ("not_done", 30, {}, "reason"),
        ("partly_done", 30, {"reason": "денег хватило на половину"}, "proof"),
    ],
)
def test_stage_rules_are_explained(make_promise, district_admin, status, due_in, extra, message):
    promise = make_promise(due=TODAY + dt.timedelta(days=due_in))
    with pytest.raises(ValidationError, match=message):
        report(promise, district_admin, status, **extra)
    promise.refresh_from_db()
    assert promise.status == "not_started"
    assert not promise.updates.exists()


def test_updates_keep_their_order_and_are_not_in_the_future(make_promise, district_admin):
    promise = make_promise()
    report(promise, district_admin, "in_progress", days_ago=5)
    with pytest.raises(ValidationError, match="cannot be earlier"):
        report(promise, district_admin, "in_progress", days_ago=10)
    with pytest.raises(ValidationError, match="future"):
        report(promise, district_admin, "in_progress", days_ago=-1)


def test_only_the_districts_managers_record(make_promise, other_admin, chair_a):
    promise = make_promise()
    for outsider in (other_admin, chair_a):
        with pytest.raises(Http404):
            report(promise, outsider, "in_progress")


def test_the_share_on_track_follows_the_evidence_dated_up_to_the_day(
    make_promise, district_admin, tree
):
    done = make_promise()
    report(done, district_admin, "in_progress", days_ago=40)
    report(done, district_admin, "done", days_ago=2, link="https://x.kz")
    make_promise()  # not started, not yet due: on track
    overdue = make_promise(due=TODAY - dt.timedelta(days=5))
    report(overdue, district_admin, "in_progress", days_ago=30)
    failed = make_promise()
    report(failed, district_admin, "not_done", reason="Нет финансирования")
    share = compute("promises_on_track_share", [tree.district.pk], Period(TODAY, TODAY))
    assert share[tree.district.pk] == pytest.approx(2 / 4)
    # Ten days ago nothing had failed and the overdue one was not yet due.
    earlier = TODAY - dt.timedelta(days=10)
    share_then = compute("promises_on_track_share", [tree.district.pk], Period(earlier, earlier))
    assert share_then[tree.district.pk] == pytest.approx(1.0)


def test_the_public_tracker_shows_stages_evidence_and_totals(client, make_promise, district_admin):
    promise = make_promise(text="Открыть детский сад на 90 мест", theme="education")
    report(
        promise,
        district_admin,
        "in_progress",
        text="Заложен фундамент",
        upload=SimpleUploadedFile("site.png", PNG),
    )
    hidden = make_promise(text="Внутренний пункт", is_public=False)
    page = client.get("/promises/?status=in_progress").content.decode()
    assert "Открыть детский сад" in page
    assert "Внутренний пункт" not in page
    assert 'data-total="in_progress"' in page
    detail = client.get(f"/promises/{promise.pk}/").content.decode()
    assert "Заложен фундамент" in detail
    assert district_admin.username not in detail
    update = promise.updates.get()
    image = client.get(f"/promises/{promise.pk}/evidence/{update.pk}/")
    assert image.status_code == 200
    assert client.get(f"/promises/{hidden.pk}/").status_code == 404
    totals = {
        row["status"]: row["count"] for row in client.get("/api/v1/public/promises/totals").json()
    }
    assert totals["in_progress"] == 1


def test_a_manager_records_an_update_on_the_page_and_exports(login, make_promise, district_admin):
    promise = make_promise()
    client = login(district_admin)
    response = client.post(
        f"/programme/{promise.pk}/",
        {"status": "in_progress", "date": TODAY.isoformat(), "text": "Начали работы"},
    )
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == "in_progress"
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/programme/?format=xlsx", HTTP_ACCEPT_LANGUAGE="en").content)
    ).active
    assert list(sheet.values)[1][6] == "in progress"


def test_links_stay_inside_the_district(
    make_promise, district_admin, tree, categories, other_admin
):
    from pervichka.appeals import services as appeals
    from pervichka.people.services import PersonData

    promise = make_promise()
    elsewhere = appeals.appeal_register(
        actor=other_admin,
        district=tree.other_district,
        data=PersonData(surname="Житель", name="Другой", consent_method="paper"),
        intake=appeals.Intake(
            channel="phone",
            category=appeals.categories_ensure(district=tree.other_district)[0],
            text="дорога",
        ),
    )
    with pytest.raises(ValidationError, match="this district"):
        services.promise_link(actor=district_admin, promise=promise, appeal=elsewhere)


def test_a_deputys_figures_come_from_receptions_and_appeals(
    deputy, tree, district_admin, categories, login
):
    from django.utils import timezone

    from pervichka.appeals import services as appeals
    from pervichka.appeals.models import FieldReception
    from pervichka.people.services import PersonData

    reception = FieldReception.objects.create(
        unit=tree.district,
        settlement=tree.village,
        place="Клуб",
        starts_at=timezone.now() - dt.timedelta(days=3),
        status="held",
    )
    reception.hosts.add(deputy.person)
    for n in range(2):
        appeal = appeals.appeal_register(
            actor=district_admin,
            district=tree.district,
            confirm_duplicate=True,
            data=PersonData(surname="Житель", name=f"Н{n}", consent_method="verbal"),
            intake=appeals.Intake(
                channel="field",
                category=categories["roads"],
                text=f"Просьба номер {n} о ремонте дороги",
                field_reception=reception,
            ),
        )
    appeals.appeal_assign(
        actor=district_admin, appeal=appeal, unit=tree.district, person=deputy.person
    )
    appeals.appeal_answer(
        actor=district_admin, appeal=appeal, text="Отремонтируем", outcome="solved"
    )
    figures = deputy_selectors.figures(deputy, Period(TODAY - dt.timedelta(days=30), TODAY))
    assert (figures.receptions_held, figures.appeals_received, figures.appeals_answered) == (
        1,
        2,
        1,
    )
    assert figures.answered_on_time == 1
    client = login(district_admin)
    page = client.get(f"/deputies/{deputy.pk}/").content.decode()
    assert 'data-figure="received">2<' in page
    # The last 30 days, not the default "this year so far", which is one day on 1 January.
    report = client.get(
        "/deputies/",
        {"format": "xlsx", "start": (TODAY - dt.timedelta(days=30)).isoformat(), "end": TODAY},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    row = list(sheet.values)[1]
    assert row[4:8] == (1, 2, 1, 1)


def test_a_deputys_page_lists_the_appeals_received_to_those_who_may_see_appeals(
    deputy, tree, district_admin, other_admin, categories, login
):
    from pervichka.appeals import services as appeals
    from pervichka.core.roles import Role
    from pervichka.people.services import PersonData
    from tests.factories import UserFactory, grant

    given = []
    for n in range(3):
        appeal = appeals.appeal_register(
            actor=district_admin,
            district=tree.district,
            confirm_duplicate=True,
            data=PersonData(surname="Житель", name=f"Н{n}", consent_method="verbal"),
            intake=appeals.Intake(
                channel="phone", category=categories["roads"], text=f"Просьба {n} о дороге"
            ),
        )
        if n < 2:
            appeals.appeal_assign(
                actor=district_admin, appeal=appeal, unit=tree.district, person=deputy.person
            )
            given.append(appeal)
        else:
            not_given = appeal
    page = login(district_admin).get(f"/deputies/{deputy.pk}/").content.decode()
    table = page[page.index('id="deputy-appeals"') :]
    table = table[: table.index("</table>")]
    assert table.index(given[1].number) < table.index(given[0].number)  # the latest first
    assert f'href="/appeals/{given[0].pk}/"' in table
    assert not_given.number not in table
    # A trainer of the district sees the deputy but no appeals; another district sees nothing.
    trainer = grant(UserFactory(username="trainer"), Role.TRAINER, tree.district)
    page = login(trainer).get(f"/deputies/{deputy.pk}/").content.decode()
    assert page.count('id="deputy-appeals"') == 0
    assert given[0].number not in page
    assert login(other_admin).get(f"/deputies/{deputy.pk}/").status_code == 404


def test_the_deputies_menu_is_for_those_who_see_a_district(tree, login, chair_a, district_admin):
    from django.urls import reverse

    deputies = reverse("deputies:list")
    assert f'href="{deputies}"' not in login(chair_a).get(reverse("site:home")).content.decode()
    assert f'href="{deputies}"' in login(district_admin).get(reverse("site:home")).content.decode()


def test_the_public_tracker_filters_by_theme_and_village(client, make_promise, tree):
    make_promise(text="Школа в Талшике", theme="education", settlement=tree.village)
    make_promise(text="Дорога до райцентра", theme="roads")
    by_theme = client.get("/promises/?theme=education").content.decode()
    assert "Школа в Талшике" in by_theme
    assert "Дорога до райцентра" not in by_theme
    from tests.factories import SettlementFactory

    other = SettlementFactory(district=tree.district, name="Кызылжар")
    make_promise(text="Клуб в Кызылжаре", theme="culture", settlement=other)
    by_village = client.get(f"/promises/?settlement={tree.village.pk}").content.decode()
    assert "Школа в Талшике" in by_village
    assert "Дорога до райцентра" in by_village  # district-wide promises concern every village
    assert "Клуб в Кызылжаре" not in by_village


def test_another_districts_administrator_does_not_see_the_deputy(login, deputy, other_admin):
    client = login(other_admin)
    assert client.get(f"/deputies/{deputy.pk}/").status_code == 404
    assert "Депутатов" not in client.get("/deputies/").content.decode()


def _chair_elsewhere(tree):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    return grant(UserFactory(username="chair_c"), Role.CHAIR, tree.primary_c)


def test_a_chair_reads_the_districts_programme_and_another_districts_chair_nothing(
    login, make_promise, district_admin, tree, chair_a, chair_b
):
    promise = make_promise(text="Провести водопровод в Талшик")
    report(promise, district_admin, "in_progress", upload=SimpleUploadedFile("act.png", PNG))
    hidden = make_promise(text="Внутренний пункт программы", is_public=False)
    evidence = f"/programme/{promise.pk}/evidence/{promise.updates.get().pk}/"
    for chair in (chair_a, chair_b):
        client = login(chair)
        programme = client.get("/programme/").content.decode()
        assert "Провести водопровод в Талшик" in programme
        assert "Внутренний пункт программы" in programme
        assert 'data-total="in_progress"' in programme
        page = client.get(f"/programme/{promise.pk}/").content.decode()
        assert "Провести водопровод в Талшик" in page
        assert 'id="report-form"' not in page  # reading only
        assert client.get(evidence).status_code == 200
        assert client.get(f"/programme/{hidden.pk}/").status_code == 200
        # Reading is not managing: no update, no edit, no links, no new promise.
        posted = client.post(
            f"/programme/{promise.pk}/",
            {"status": "done", "date": TODAY.isoformat(), "text": "Готово"},
        )
        assert posted.status_code == 404
        assert client.get(f"/programme/{promise.pk}/edit/").status_code == 404
        linked = client.post(f"/programme/{promise.pk}/links/", {"kind": "project", "value": "x"})
        assert linked.status_code == 404
        assert client.get("/programme/new/").status_code == 404
        api = client.get("/api/v1/promises").json()
        assert {p["id"] for p in api["items"]} == {promise.pk, hidden.pk}
        assert client.get(f"/api/v1/promises/{promise.pk}").status_code == 200
        refused = client.post(
            f"/api/v1/promises/{promise.pk}/updates",
            {"status": "done", "date": TODAY.isoformat(), "text": "x", "link": "https://x.kz"},
            content_type="application/json",
        )
        assert refused.status_code == 404
    promise.refresh_from_db()
    assert (promise.status, promise.updates.count()) == ("in_progress", 1)
    # The chair of a primary in another district finds none of it.
    client = login(_chair_elsewhere(tree))
    programme = client.get("/programme/").content.decode()
    assert "Провести водопровод" not in programme
    assert "Внутренний пункт" not in programme
    assert client.get(f"/programme/{promise.pk}/").status_code == 404
    assert client.get(f"/programme/{hidden.pk}/").status_code == 404
    assert client.get(evidence).status_code == 404
    assert client.get("/api/v1/promises").json()["items"] == []
    assert client.get(f"/api/v1/promises/{promise.pk}").status_code == 404


def test_a_chair_on_a_district_promise_gets_no_links_that_lead_nowhere(
    login, make_promise, district_admin, tree, chair_a, chair_b, deputy
):
    from pervichka.projects import services as projects
    from pervichka.projects.models import Project

    promise = make_promise()
    socium = Project.objects.get(code="socium")
    own, other = (
        projects.event_create(
            actor=district_admin,
            project=socium,
            primary=primary,
            data=projects.EventData(title=title, date=TODAY),
        )
        for primary, title in (
            (tree.primary_a, "Субботник в Талшике"),
            (tree.primary_b, "Субботник в Айсары"),
        )
    )
    for event in (own, other):
        services.promise_link(actor=district_admin, promise=promise, event=event)
    hidden = make_promise(is_public=False)
    client = login(chair_a)
    page = client.get(f"/programme/{promise.pk}/").content.decode()
    assert "Депутатов" in page
    assert f'href="/deputies/{deputy.pk}/"' not in page
    assert f'href="/projects/events/{own.pk}/"' in page
    assert "Субботник в Айсары" in page
    assert f'href="/projects/events/{other.pk}/"' not in page
    assert f'href="/promises/{promise.pk}/"' in page  # the public page
    for href in re.findall(r'href="(/(?:deputies|projects|promises|programme)/[^"]*)"', page):
        assert client.get(href).status_code == 200, href
    assert (
        f'href="/promises/{hidden.pk}/"'
        not in client.get(f"/programme/{hidden.pk}/").content.decode()
    )
    admin = login(district_admin).get(f"/programme/{promise.pk}/").content.decode()
    assert f'href="/deputies/{deputy.pk}/"' in admin
    assert f'href="/projects/events/{other.pk}/"' in admin


@pytest.mark.parametrize("role", ["operator", "trainer", "youth_worker"])
def test_a_deputys_promises_link_where_the_user_may_go(
    login, make_promise, deputy, tree, district_admin, role
):
    from tests.factories import UserFactory, grant

    public = make_promise(text="Открыть спортзал", due=TODAY + dt.timedelta(days=30))
    hidden = make_promise(
        text="Пункт для служебного пользования", is_public=False, due=TODAY + dt.timedelta(days=60)
    )
    client = login(grant(UserFactory(username=role), role, tree.district))
    page = client.get(f"/deputies/{deputy.pk}/").content.decode()
    listed = page[page.index('id="deputy-promises"') :]
    listed = listed[: listed.index("</ul>")]
    assert "Открыть спортзал" in listed
    assert "Пункт для служебного пользования" in listed
    assert re.findall(r'href="([^"]+)"', listed) == [f"/promises/{public.pk}/"]
    assert client.get(f"/promises/{public.pk}/").status_code == 200
    admin = login(district_admin).get(f"/deputies/{deputy.pk}/").content.decode()
    listed = admin[admin.index('id="deputy-promises"') :]
    listed = listed[: listed.index("</ul>")]
    assert re.findall(r'href="([^"]+)"', listed) == [
        f"/programme/{public.pk}/",
        f"/programme/{hidden.pk}/",
    ]


def _chair_elsewhere(tree):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    return grant(UserFactory(username="chair_c"), Role.CHAIR, tree.primary_c)


def test_english_pages_show_the_english_text_of_a_promise(
    client, make_promise, login, district_admin
):
    """Issue 14, point 11: en pages no longer fall back to the Russian text."""
    promise = make_promise(
        text="Открыть детский сад на 90 мест",
        text_kk="90 орындық балабақша ашу",
        text_en="Open a kindergarten for 90 children",
    )
    english = client.get(f"/promises/{promise.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open a kindergarten for 90 children" in english
    kazakh = client.get(f"/promises/{promise.pk}/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "90 орындық балабақша ашу" in kazakh
    untranslated = make_promise(text="Отремонтировать мост")
    english = client.get(f"/promises/{untranslated.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Отремонтировать мост" in english.content.decode()  # no English: the Russian


def test_the_edit_form_keeps_the_english_text(make_promise, login, district_admin, tree):
    promise = make_promise(text="Открыть спортзал")
    staff = login(district_admin)
    form = staff.get(reverse("promises:edit", args=[promise.pk]))
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None}
    data.update(
        text="Открыть спортзал",
        text_en="Open a sports hall",
        due_date=promise.due_date.strftime("%d.%m.%Y"),
        settlement="",
        responsible_deputy=promise.responsible_deputy_id,
        is_public="on",
    )
    response = staff.post(reverse("promises:edit", args=[promise.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    promise.refresh_from_db()
    assert promise.text_en == "Open a sports hall"
