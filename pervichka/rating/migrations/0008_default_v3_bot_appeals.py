"""The draft version 3 of the party-wide default takes in the appeals app's "bot appeals
answered on time" (issue 17, point 7): of the appeals written in the citizens' Telegram bot
and answered in the period, the share answered by their deadline, in the "Citizens"
dimension. Only the draft changes: approved versions are never edited."""

from decimal import Decimal as D

from django.db import migrations


def forwards(apps, schema_editor):
    Dimension = apps.get_model("rating", "Dimension")
    Indicator = apps.get_model("rating", "Indicator")
    Goalpost = apps.get_model("rating", "Goalpost")
    dimension = Dimension.objects.filter(
        methodology__code="default",
        methodology__version=3,
        methodology__unit__isnull=True,
        methodology__status="draft",
        code="citizens",
    ).first()
    if dimension is None or Indicator.objects.filter(
        dimension=dimension, kpi="bot_appeals_answered_on_time"
    ).exists():
        return
    order = Indicator.objects.filter(dimension=dimension).count()
    indicator = Indicator.objects.create(
        dimension=dimension, kpi="bot_appeals_answered_on_time", direction="higher",
        denominator="share", order=order,
    )  # fmt: skip
    Goalpost.objects.create(indicator=indicator, year=2020, low=D("0.5"), high=D("1"))


class Migration(migrations.Migration):
    dependencies = [("rating", "0007_default_v3_kit_picked_up")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
