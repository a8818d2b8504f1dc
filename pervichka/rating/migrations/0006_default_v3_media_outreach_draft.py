"""Version 3 of the party-wide default, as a draft: it takes in the KPIs the media and
outreach apps registered after version 2 (issue 15: "where other issues add KPIs, they
register them, and the default methodology takes them in").

- "Citizens and receptions" gains the residents reached at meetings and door-to-door visits
  per 100 members, the share of planned meetings held, and the share of questions raised
  that became appeals.
- A new dimension, "Information work", holds the news published (capped by the KPI at 8 a
  month), the social posts with a verified link and their reach per 100 members.
- Weights: projects 20, citizens 20, party 15, youth 15, initiatives 10, training 10,
  information 10.

It is a draft, not approved: the rating keeps computing with version 2 until the party's
administrators approve version 3 with their rationale on the methodology page (point 1),
after a period in which primaries have had the chance to record meetings and news —
otherwise every primary would start with no data in a whole new dimension."""

from decimal import Decimal as D

from django.db import migrations

WEIGHTS = {
    "projects": "20",
    "citizens": "20",
    "party": "15",
    "youth": "15",
    "initiatives": "10",
    "training": "10",
}
# (kpi, direction, denominator, cap, L, U)
CITIZENS = [
    ("residents_reached_per_100", "higher", "count", "200", "0", "100"),
    ("meetings_held_against_plan", "higher", "share", None, "0.5", "1"),
    ("questions_to_appeals", "higher", "share", None, "0", "0.5"),
]
INFORMATION = [
    ("news_published", "higher", "count", None, "0", "6"),
    ("posts_with_link", "higher", "count", "30", "0", "12"),
    ("reach_per_100_members", "higher", "count", "1000", "0", "300"),
]


def forwards(apps, schema_editor):
    Methodology = apps.get_model("rating", "Methodology")
    PeerGroup = apps.get_model("rating", "PeerGroup")
    Dimension = apps.get_model("rating", "Dimension")
    Indicator = apps.get_model("rating", "Indicator")
    Goalpost = apps.get_model("rating", "Goalpost")
    QualityFloor = apps.get_model("rating", "QualityFloor")
    source = Methodology.objects.filter(code="default", version=2, unit__isnull=True).first()
    if source is None or Methodology.objects.filter(code="default", version=3).exists():
        return
    copy = Methodology.objects.get(pk=source.pk)
    copy.pk = None
    copy.version = 3
    copy.adopted_from = source
    copy.status = "draft"
    copy.description += (
        " Версия 3 (проект): встречи и обходы жителей, вопросы, ставшие обращениями, и "
        "информационная работа (новости, публикации в соцсетях и их охват)."
    )
    copy.description_kk += (
        " 3-нұсқа (жоба): тұрғындармен кездесулер мен аралаулар, өтінішке айналған "
        "сұрақтар және ақпараттық жұмыс (жаңалықтар, әлеуметтік желідегі жарияланымдар "
        "және олардың қамтуы)."
    )
    copy.description_en += (
        " Version 3 (draft): meetings and door-to-door visits, questions that became "
        "appeals, and information work (news, social posts and their reach)."
    )
    copy.rationale = ""
    copy.save()
    groups = {}
    for group in PeerGroup.objects.filter(methodology=source):
        old = group.pk
        group.pk, group.methodology = None, copy
        group.save()
        groups[old] = group
    indicators = {}
    order = 0
    for dimension in Dimension.objects.filter(methodology=source).order_by("order"):
        old_indicators = list(Indicator.objects.filter(dimension=dimension).order_by("order"))
        dimension.pk, dimension.methodology = None, copy
        dimension.weight = D(WEIGHTS.get(dimension.code, str(dimension.weight)))
        dimension.save()
        order = max(order, dimension.order)
        for indicator in old_indicators:
            posts = list(Goalpost.objects.filter(indicator=indicator))
            old = indicator.pk
            indicator.pk, indicator.dimension = None, dimension
            indicator.save()
            indicators[old] = indicator
            for post in posts:
                post.pk, post.indicator = None, indicator
                post.peer_group = groups.get(post.peer_group_id)
                post.save()
        if dimension.code == "citizens":
            _add(Indicator, Goalpost, dimension, CITIZENS, start=len(old_indicators))
    information = Dimension.objects.create(
        methodology=copy,
        code="information",
        name="Информационная работа",
        name_kk="Ақпараттық жұмыс",
        name_en="Information work",
        weight=D("10"),
        order=order + 1,
        course_hint="Digital primary organization",
        course_code="digital-primary",
    )
    _add(Indicator, Goalpost, information, INFORMATION, start=0)
    for floor in QualityFloor.objects.filter(methodology=source):
        floor.pk, floor.methodology = None, copy
        floor.indicator = indicators[floor.indicator_id]
        floor.save()


def _add(Indicator, Goalpost, dimension, rows, *, start: int) -> None:
    for i, (kpi, direction, denominator, cap, low, high) in enumerate(rows, start=start):
        indicator = Indicator.objects.create(
            dimension=dimension,
            kpi=kpi,
            direction=direction,
            denominator=denominator,
            cap=D(cap) if cap else None,
            order=i,
        )
        Goalpost.objects.create(indicator=indicator, year=2020, low=D(low), high=D(high))


class Migration(migrations.Migration):
    dependencies = [("rating", "0005_default_v2_evidence_and_knees")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
