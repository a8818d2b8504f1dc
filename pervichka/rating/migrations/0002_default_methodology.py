"""The party-wide default methodology, taking in the KPIs registered when it was written
(`grep -rn "@register" pervichka/*/kpis.py`). `promises_on_track_share` is a district's
figure (the programme is the district's), the same for all its primaries, so it cannot tell
primaries apart and is left out; information work has no KPI yet (the media app will
register one, and a new version of the methodology takes it in)."""

from decimal import Decimal as D

from django.db import migrations

CODE = "default"
PEER_GROUPS = [
    ("small", "До 100 членов", "100 мүшеге дейін", "Under 100 members", 0, 99),
    ("medium", "100–500 членов", "100–500 мүше", "100–500 members", 100, 500),
    ("large", "Более 500 членов", "500-ден астам мүше", "Over 500 members", 501, None),
]
# code, ru, kk, en, weight, course hint; then (kpi, direction, denominator, cap, L, U)
DIMENSIONS = [
    (
        "projects", "Партийные проекты", "Партиялық жобалар", "Party projects", "20",
        "Project management",
        [
            ("events_held", "higher", "per_100", "20", "0", "10"),
            ("volunteer_hours", "higher", "per_100", "400", "0", "200"),
            ("trees_planted", "higher", "per_100", "200", "0", "100"),
            ("tree_survival_rate", "higher", "share", None, "0.5", "0.9"),
        ],
    ),
    (
        "citizens", "Граждане и приёмы", "Азаматтар және қабылдаулар", "Citizens and receptions",
        "20", "Working with citizens' appeals",
        [("appeals_answered_on_time", "higher", "share", None, "0.6", "1")],
    ),
    (
        "party", "Работа внутри партии", "Партия ішіндегі жұмыс", "Work inside the party", "20",
        "Party finances",
        [
            ("collection_rate", "higher", "share", None, "0.5", "1"),
            ("arrears_share", "lower", "share", None, "0.05", "0.5"),
            ("fund_spent_share", "higher", "share", None, "0.2", "0.9"),
        ],
    ),
    (
        "youth", "Работа с молодёжью", "Жастармен жұмыс", "Youth", "15", "Youth policy",
        [
            ("youth_cases_active", "higher", "per_100", "10", "0", "5"),
            ("placement_rate", "higher", "share", None, "0", "0.6"),
            ("followups_overdue_share", "lower", "share", None, "0", "0.5"),
        ],
    ),
    (
        "initiatives", "Гражданские инициативы", "Азаматтық бастамалар", "Civic initiatives",
        "10", "Project management",
        [("ideas_submitted", "higher", "per_100", "10", "0", "5")],
    ),
    (
        "training", "Обучение председателя", "Төрағаны оқыту", "The chair's own training", "15",
        "School of political management",
        [
            ("chair_trained", "higher", "count", None, "0", "1"),
            ("training_hours", "higher", "per_100", "100", "0", "50"),
        ],
    ),
]  # fmt: skip


def forwards(apps, schema_editor):
    Methodology = apps.get_model("rating", "Methodology")
    if Methodology.objects.filter(code=CODE).exists():
        return
    PeerGroup = apps.get_model("rating", "PeerGroup")
    Dimension = apps.get_model("rating", "Dimension")
    Indicator = apps.get_model("rating", "Indicator")
    Goalpost = apps.get_model("rating", "Goalpost")
    QualityFloor = apps.get_model("rating", "QualityFloor")
    methodology = Methodology.objects.create(
        code=CODE,
        version=1,
        name="Рейтинг председателей первичных организаций",
        name_kk="Бастауыш ұйымдар төрағаларының рейтингі",
        name_en="Rating of primary chairs",
        description=(
            "Шесть направлений с весами; показатели из учёта приложений; оценка 0–100 по "
            "целевым значениям группы по численности; нет данных — вес делится между "
            "остальными; полоса A–E; интервалы мест по методу Монте-Карло."
        ),
        description_kk=(
            "Салмағы бар алты бағыт; көрсеткіштер қосымшалардың есебінен; сан тобының "
            "мақсатты мәндері бойынша 0–100 баға; деректер жоқ болса — салмақ қалғандарына "
            "бөлінеді; A–E белдеуі; Монте-Карло әдісімен орын аралықтары."
        ),
        description_en=(
            "Six dimensions with weights; indicators from the apps' records; a 0–100 score "
            "against the goalposts of the primary's size group; no data — the weight is "
            "shared among the others; bands A–E; rank intervals by Monte Carlo."
        ),
        status="approved",
        rationale="Party-wide default (issue 15).",
    )
    groups = {
        code: PeerGroup.objects.create(
            methodology=methodology, code=code, name=ru, name_kk=kk, name_en=en,
            min_members=low, max_members=high,
        )
        for code, ru, kk, en, low, high in PEER_GROUPS
    }  # fmt: skip
    indicators = {}
    for order, (code, ru, kk, en, weight, course, rows) in enumerate(DIMENSIONS):
        dimension = Dimension.objects.create(
            methodology=methodology, code=code, name=ru, name_kk=kk, name_en=en,
            weight=D(weight), order=order, course_hint=course,
        )  # fmt: skip
        for i, (kpi, direction, denominator, cap, low, high) in enumerate(rows):
            indicator = Indicator.objects.create(
                dimension=dimension, kpi=kpi, direction=direction, denominator=denominator,
                cap=D(cap) if cap else None, order=i,
            )  # fmt: skip
            indicators[kpi] = indicator
            Goalpost.objects.create(indicator=indicator, year=2020, low=D(low), high=D(high))
    # Large primaries hold fewer events per member: their own goalposts.
    Goalpost.objects.create(
        indicator=indicators["events_held"], peer_group=groups["large"], year=2020,
        low=D(0), high=D(4),
    )  # fmt: skip
    # No top band while fewer than 60% of appeals are answered on time.
    QualityFloor.objects.create(
        methodology=methodology, indicator=indicators["appeals_answered_on_time"],
        minimum=D("0.6"), best_band="B",
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("rating", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
