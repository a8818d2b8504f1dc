"""The draft version 3 of the party-wide default takes in the media app's "message of the
week picked up" (issue 16, point 9): the share of the district's weekly messages a primary
posted, in the "Information work" dimension beside the news and the social posts. Only the
draft changes: approved versions are never edited."""

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
        code="information",
    ).first()
    if dimension is None or Indicator.objects.filter(
        dimension=dimension, kpi="kit_picked_up"
    ).exists():
        return
    order = Indicator.objects.filter(dimension=dimension).count()
    indicator = Indicator.objects.create(
        dimension=dimension, kpi="kit_picked_up", direction="higher", denominator="share",
        order=order,
    )  # fmt: skip
    Goalpost.objects.create(indicator=indicator, year=2020, low=D("0"), high=D("0.75"))


class Migration(migrations.Migration):
    dependencies = [("rating", "0006_default_v3_media_outreach_draft")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
