"""Every KPI that names its list of records names one that exists."""

from django.urls import reverse

from pervichka.core import kpis


def test_every_kpi_list_url_reverses():
    named = [kpi for kpi in kpis.REGISTRY.values() if kpi.list_url]
    assert len(named) >= 10
    for kpi in named:
        assert reverse(kpi.list_url).startswith("/"), kpi.name
