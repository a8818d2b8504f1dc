"""The rating's pages as the chairs and the district see them, and what stays out of reach."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from pervichka.core.models import Notification
from pervichka.rating import services
from pervichka.rating.models import Indicator, Methodology, Objection, RatingRun
from pervichka.rating.tasks import task_rating_execute
from tests.rating.conftest import quarter_before_last


@pytest.fixture
def run(tree, district_admin, members, quarter):
    return services.rating_compute(actor=district_admin, district=tree.district, period=quarter)


def score_of(run, unit):
    return run.scores.get(primary=unit)


def test_compute_from_the_page_runs_the_task_and_shows_the_table(
    login, tree, district_admin, members, django_capture_on_commit_callbacks
):
    client = login(district_admin)
    start = quarter_before_last()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rating:compute"),
            {"district": tree.district.pk, "kind": "quarter", "start": start.isoformat()},
        )
    run = RatingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rating:run", args=[run.pk])
    assert run.status == "provisional"  # the task ran (eagerly here)
    page = client.get(response["Location"]).content.decode()
    assert "ППО Талшик" in page
    assert "ППО Айсары" in page
    assert "<td>0,00</td>" in page  # the district sees the totals (a 0 is not «—»)
    # The progress display asks again while computing; once done, it reloads the page.
    done = client.get(response["Location"], headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_chair_sees_district_bands_without_totals_and_only_their_own_breakdown(
    login, tree, chair_a, run
):
    page = login(chair_a).get(reverse("rating:run", args=[run.pk])).content.decode()
    assert "ППО Айсары" in page  # the district's bands
    assert "11,67" not in page  # but no other primary's total
    own = score_of(run, tree.primary_a)
    assert reverse("rating:score", args=[own.pk]) in page
    other = score_of(run, tree.primary_b)
    assert reverse("rating:score", args=[other.pk]) not in page


def test_breakdown_points_add_up_to_the_total_shown(login, tree, chair_a, run):
    score = score_of(run, tree.primary_a)
    response = login(chair_a).get(reverse("rating:score", args=[score.pk]))
    page = response.content.decode()
    assert score.total == D("0.00")  # hand computed in tests/rating/test_services.py
    assert '<div class="display-6" id="total">0,00</div>' in page
    assert "Где можно получить больше всего баллов" in page
    lines = list(score.lines.all())
    assert len(lines) == Indicator.objects.filter(dimension__methodology=run.methodology).count()
    assert sum(line.points for line in lines) == score.total
    assert reverse("projects:events") in page  # the records behind «events held»
    assert 'id="objection-form"' in page


def test_another_chair_gets_404_on_the_breakdown_and_objection(login, tree, chair_a, chair_b, run):
    score = score_of(run, tree.primary_a)
    objection = services.objection_raise(
        actor=chair_a,
        score=score,
        indicator=Indicator.objects.get(
            dimension__methodology=run.methodology, kpi="events_with_evidence"
        ),
        text="x",
    )
    client = login(chair_b)
    assert client.get(reverse("rating:score", args=[score.pk])).status_code == 404
    assert client.post(reverse("rating:object", args=[score.pk])).status_code == 404
    assert client.get(reverse("rating:objection", args=[objection.pk])).status_code == 404
    assert client.post(reverse("rating:objection", args=[objection.pk])).status_code == 404


def test_chair_of_another_district_gets_404_on_the_table(login, tree, run, django_user_model):
    from tests.factories import UserFactory, grant

    chair_c = grant(UserFactory(username="chair_c"), "chair", tree.primary_c)
    client = login(chair_c)
    assert client.get(reverse("rating:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("rating:run", args=[run.pk]), {"format": "xlsx"}).status_code == 404


def test_object_and_decide_through_the_pages(login, tree, chair_a, district_admin, run):
    score = score_of(run, tree.primary_a)
    indicator = Indicator.objects.get(
        dimension__methodology=run.methodology, kpi="events_with_evidence"
    )
    response = login(chair_a).post(
        reverse("rating:object", args=[score.pk]),
        {"indicator": indicator.pk, "text": "Три субботника", "claimed_value": "3"},
    )
    objection = Objection.objects.get()
    assert response["Location"] == reverse("rating:objection", args=[objection.pk])
    assert objection.claimed_value == D(3)
    # The objecting chair has no decision form and cannot post one.
    client = login(chair_a)
    assert 'id="decision-form"' not in client.get(response["Location"]).content.decode()
    assert (
        client.post(response["Location"], {"decision": "upheld", "reason": "x"}).status_code == 404
    )
    admin = login(district_admin)
    assert 'id="decision-form"' in admin.get(response["Location"]).content.decode()
    admin.post(response["Location"], {"decision": "upheld", "reason": "Фото есть"})
    objection.refresh_from_db()
    assert objection.status == "upheld"
    admin.post(reverse("rating:run_act", args=[run.pk, "recompute"]))
    new = RatingRun.objects.get(version=2)
    # Hand computed in tests/rating/test_services.py: the upheld line adds 8.33 points.
    assert score_of(new, tree.primary_a).total == score.total + D("8.33")
    page = login(chair_a).get(reverse("rating:score", args=[score.pk])).content.decode()
    assert reverse("rating:score", args=[score_of(new, tree.primary_a).pk]) in page


def test_xlsx_of_the_league_table(login, tree, district_admin, run):
    response = login(district_admin).get(reverse("rating:run", args=[run.pk]), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows[0]) == 10
    assert {r[0] for r in rows[1:]} == {"ППО Талшик", "ППО Айсары"}
    assert {r[8] for r in rows[1:]} == {0}


def test_funnel_plot_data_for_rate_indicators(login, tree, district_admin, run):
    page = login(district_admin).get(reverse("rating:run", args=[run.pk])).content.decode()
    assert 'id="funnel-data"' in page
    assert "data-funnel" in page


def test_every_chair_reads_the_methodology(login, chair_a, tree):
    default = Methodology.objects.get(code="default", version=2)
    page = login(chair_a).get(reverse("rating:methodology", args=[default.pk])).content.decode()
    assert "Партийные проекты" in page
    assert "Пока «обращения, отвеченные в срок» ниже 0,6, полоса не выше B." in page
    assert login(chair_a).get(reverse("rating:home")).status_code == 200


def test_api_reads_methodology_table_and_breakdown_in_scope(login, tree, chair_a, chair_b, run):
    client = login(chair_a)
    methodologies = client.get("/api/v1/rating/methodologies").json()["items"]
    # Version 3 is the party's draft taking in the media and outreach KPIs (readable too).
    assert [(m["code"], m["version"]) for m in methodologies] == [
        ("default", 3),
        ("default", 2),
        ("default", 1),
    ]
    table = client.get(f"/api/v1/rating/runs/{run.pk}").json()
    assert {s["primary"] for s in table["scores"]} == {"ППО Талшик", "ППО Айсары"}
    assert {s["total"] for s in table["scores"]} == {None}  # a chair: bands, no totals
    own = score_of(run, tree.primary_a)
    body = client.get(f"/api/v1/rating/scores/{own.pk}").json()
    assert D(body["total"]) == sum(D(line["points"]) for line in body["lines"]) == own.total
    assert login(chair_b).get(f"/api/v1/rating/scores/{own.pk}").status_code == 404


def test_region_sees_bands_per_district(login, tree, run):
    from tests.factories import UserFactory, grant

    region_admin = grant(UserFactory(username="region_admin"), "admin", tree.region)
    page = login(region_admin).get(reverse("rating:rollup")).content.decode()
    assert "Акжарский район" in page
    # Both primaries of the demo district are in band E.
    assert "<td>0</td><td>0</td><td>0</td><td>0</td><td>2</td><td>0</td>" in page
    # The same breakdown one level up: the district's mean points per dimension, the
    # upheld-free quarter scoring 0 everywhere (hand computed in test_services.py).
    assert "Средние баллы по направлениям" in page
    dimensions = page.split('id="rollup-dimensions"')[1]
    assert "Партийные проекты" in dimensions
    assert "<td>Акжарский район</td>" + "<td>0,00</td>" * 6 + "<td>0,00</td>" in dimensions


def test_district_adopts_from_the_methodology_page(login, tree, district_admin, chair_a):
    default = Methodology.objects.get(code="default", version=2)
    assert (
        'id="adopt-form"'
        not in login(chair_a).get(reverse("rating:methodology", args=[default.pk])).content.decode()
    )
    assert login(chair_a).post(reverse("rating:adopt", args=[default.pk])).status_code == 404
    client = login(district_admin)
    response = client.post(reverse("rating:adopt", args=[default.pk]), {"unit": tree.district.pk})
    draft = Methodology.objects.get(unit=tree.district)
    assert response["Location"] == reverse("rating:methodology", args=[draft.pk])
    assert draft.status == "draft"
    assert services.methodology_for(tree.district) == default  # a draft rates nothing
    page = client.get(response["Location"]).content.decode()
    assert 'id="edit-form"' in page
    assert 'id="approve-form"' in page
    # The chair reads the draft but cannot edit or approve it.
    assert 'id="edit-form"' not in login(chair_a).get(response["Location"]).content.decode()
    for name in ("rating:methodology_edit", "rating:methodology_approve"):
        assert login(chair_a).post(reverse(name, args=[draft.pk])).status_code == 404
    client = login(district_admin)  # the test client is one: log the district back in
    # Beyond the limits (goalposts move by at most 20% of their span: 0–10 → at most 2).
    edit = reverse("rating:methodology_edit", args=[draft.pk])
    client.post(edit, {"low_events_with_evidence__": "0", "high_events_with_evidence__": "14"})
    assert "не более чем на 2" in client.get(response["Location"]).content.decode()
    client.post(
        edit,
        {
            "weight_youth": "18",
            "low_events_with_evidence__": "0",
            "high_events_with_evidence__": "11",
            "split": "1",
        },
    )
    draft.refresh_from_db()
    assert draft.dimensions.get(code="youth").weight == D(18)
    assert set(draft.peer_groups.values_list("code", flat=True)) == {
        f"{size}-{kind}" for size in ("small", "medium", "large") for kind in ("urban", "rural")
    }
    indicator = Indicator.objects.get(dimension__methodology=draft, kpi="events_with_evidence")
    year = timezone.localdate().year
    assert services._goalposts_of(indicator, None, year) == (D(0), D(11))
    # The large primaries' own goalposts went to both their town and village groups.
    rural = draft.peer_groups.get(code="large-rural")
    assert services._goalposts_of(indicator, rural, year) == (D(0), D(4))
    # Approval needs the rationale.
    approve = reverse("rating:methodology_approve", args=[draft.pk])
    client.post(approve, {"rationale": "  "})
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(approve, {"rationale": "Молодёжь — приоритет"})
    draft.refresh_from_db()
    assert (draft.status, draft.rationale, draft.approved_by) == (
        "approved",
        "Молодёжь — приоритет",
        district_admin,
    )
    assert services.methodology_for(tree.district) == draft
    # Approved: no more edits.
    client.post(edit, {"weight_youth": "17"})
    assert draft.dimensions.get(code="youth").weight == D(18)


def test_another_district_cannot_edit_a_draft(login, tree, district_admin, other_admin):
    default = Methodology.objects.get(code="default", version=2)
    draft = services.methodology_draft(actor=district_admin, unit=tree.district, source=default)
    client = login(other_admin)
    assert client.get(reverse("rating:methodology", args=[draft.pk])).status_code == 404
    for name in ("rating:methodology_edit", "rating:methodology_approve"):
        assert client.post(reverse(name, args=[draft.pk]), {"rationale": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_run_page_shows_the_progress_while_the_task_computes(
    login, tree, district_admin, other_admin, members, quarter
):
    run = services.rating_start(actor=district_admin, district=tree.district, period=quarter)
    assert (run.status, run.progress) == ("computing", 0)
    client = login(district_admin)
    page = client.get(reverse("rating:run", args=[run.pk])).content.decode()
    assert 'role="progressbar"' in page
    assert 'aria-valuenow="0"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'id="league"' not in page
    # What the task has done so far, as the polling asks for it.
    RatingRun.objects.filter(pk=run.pk).update(progress=40)
    part = client.get(reverse("rating:run", args=[run.pk]), headers={"HX-Request": "true"})
    assert 'aria-valuenow="40"' in part.content.decode()
    assert "HX-Refresh" not in part
    task_rating_execute.apply(kwargs={"run_id": run.pk})  # the worker's task
    run.refresh_from_db()
    assert (run.status, run.progress) == ("provisional", 100)
    # The chairs' messages went in a task of their own, after the computation.
    assert Notification.objects.filter(kind="rating_provisional").count() == 2
    done = client.get(reverse("rating:run", args=[run.pk]), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    # Another district's administrator does not see the run, computing or not.
    assert login(other_admin).get(reverse("rating:run", args=[run.pk])).status_code == 404
