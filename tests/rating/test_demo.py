import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from pervichka.rating.models import Objection, RatingRun, Score


@pytest.mark.django_db
def test_demo_has_four_quarters_objections_and_points_adding_up_for_every_primary():
    call_command("seed_demo", stdout=io.StringIO())
    runs = RatingRun.objects.all()
    assert runs.values("period").distinct().count() == 4
    assert runs.filter(status="final").count() == 3
    latest = runs.order_by("-period__start", "-version").first()
    assert (latest.version, latest.status) == (2, "provisional")
    assert sorted(Objection.objects.values_list("status", flat=True)) == ["rejected", "upheld"]
    scores = Score.objects.prefetch_related("lines")
    assert scores.count() == 5 * latest.scores.count()
    unrated = [
        (str(s.run.period), s.primary_id, s.no_rating_reason) for s in scores if s.total is None
    ]
    assert unrated == []
    for score in scores:
        assert sum((line.points for line in score.lines.all()), Decimal(0)) == score.total
    upheld = Objection.objects.get(status="upheld")
    line = latest.scores.get(primary=upheld.score.primary).lines.get(
        indicator__kpi="volunteer_hours"
    )
    assert line.corrected
    assert line.raw == upheld.accepted_value
    # Run again: nothing is added.
    call_command("seed_demo", stdout=io.StringIO())
    assert RatingRun.objects.count() == runs.count()
