"""Version 2 of the party-wide default (issue 15, point 5): events and plantings count only
with their evidence (`events_with_evidence`: a photo or a participant list;
`plantings_checked`: a survival check) in place of the raw counts; the volume indicators
have diminishing returns above a knee (compute.damp: k × √(v / k) above k, so the goalpost
U still scores 100 but each unit above the knee earns less); 10% of the counted records
are drawn each period for the district to audit; each dimension names the School's course
its tip links to. Version 1 stays readable and rates nothing new."""

from django.db import migrations

SWAP = {"events_held": "events_with_evidence", "trees_planted": "plantings_checked"}
# The value (after the denominator) above which returns diminish: half the goalpost U.
KNEES = {
    "events_with_evidence": "5",
    "volunteer_hours": "100",
    "plantings_checked": "50",
    "youth_cases_active": "2.5",
    "ideas_submitted": "2.5",
    "training_hours": "25",
}
COURSES = {
    "projects": "chair-basics",
    "citizens": "chair-basics",
    "party": "digital-primary",
    "youth": "chair-basics",
    "initiatives": "chair-basics",
    "training": "chair-basics",
}


def forwards(apps, schema_editor):
    Methodology = apps.get_model("rating", "Methodology")
    PeerGroup = apps.get_model("rating", "PeerGroup")
    Dimension = apps.get_model("rating", "Dimension")
    Indicator = apps.get_model("rating", "Indicator")
    Goalpost = apps.get_model("rating", "Goalpost")
    QualityFloor = apps.get_model("rating", "QualityFloor")
    source = Methodology.objects.filter(code="default", version=1).first()
    if source is None or Methodology.objects.filter(code="default", version=2).exists():
        return
    copy = Methodology.objects.get(pk=source.pk)
    copy.pk = None
    copy.version = 2
    copy.adopted_from = source
    copy.description += (
        " Версия 2: мероприятия и посадки засчитываются только с подтверждением (фото или "
        "список участников; проверка приживаемости); выше «колена» каждая единица даёт "
        "меньше (k × √(v / k)); 10% учтённых записей проверяет район."
    )
    copy.description_kk += (
        " 2-нұсқа: іс-шаралар мен отырғызулар тек дәлелімен есептеледі (фото немесе "
        "қатысушылар тізімі; тамыр жаю тексерісі); «тізеден» жоғары әр бірлік азырақ береді "
        "(k × √(v / k)); есептелген жазбалардың 10%-ын аудан тексереді."
    )
    copy.description_en += (
        " Version 2: events and plantings count only with their evidence (a photo or a "
        "participant list; a survival check); above the knee each unit earns less "
        "(k × √(v / k)); the district audits 10% of the counted records."
    )
    copy.rationale = (
        "Issue 15, point 5: records count with their evidence, volumes have diminishing "
        "returns, a random sample of the counted records is audited."
    )
    copy.audit_share = "0.10"
    copy.save()
    groups = {}
    for group in PeerGroup.objects.filter(methodology=source):
        old = group.pk
        group.pk, group.methodology = None, copy
        group.save()
        groups[old] = group
    indicators = {}
    for dimension in Dimension.objects.filter(methodology=source).order_by("order"):
        old_indicators = list(Indicator.objects.filter(dimension=dimension).order_by("order"))
        dimension.pk, dimension.methodology = None, copy
        dimension.course_code = COURSES.get(dimension.code, "")
        dimension.save()
        for indicator in old_indicators:
            posts = list(Goalpost.objects.filter(indicator=indicator))
            old = indicator.pk
            indicator.pk, indicator.dimension = None, dimension
            indicator.kpi = SWAP.get(indicator.kpi, indicator.kpi)
            indicator.knee = KNEES.get(indicator.kpi)
            indicator.save()
            indicators[old] = indicator
            for post in posts:
                post.pk, post.indicator = None, indicator
                post.peer_group = groups.get(post.peer_group_id)
                post.save()
    for floor in QualityFloor.objects.filter(methodology=source):
        floor.pk, floor.methodology = None, copy
        floor.indicator = indicators[floor.indicator_id]
        floor.save()


class Migration(migrations.Migration):
    dependencies = [("rating", "0004_audit_knees_settlements_courses")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
