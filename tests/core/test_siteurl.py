"""Links in SMS and e-mail point where the site is: PERVICHKA_SITE_URL when it is set, else the
address the request came in on (`make run` on another port), never a fixed :8000."""

import pytest
from django.urls import reverse

from pervichka.appeals.models import Appeal
from pervichka.core import siteurl
from pervichka.core.notify import LocmemSMSBackend
from tests.appeals.test_public import form_data

pytestmark = pytest.mark.django_db(transaction=True)  # messages leave after the commit


@pytest.fixture(autouse=True)
def _empty_outbox():
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


def _sms_for(appeal: Appeal) -> str:
    texts = [text for _to, text in LocmemSMSBackend.outbox if appeal.number in text]
    assert texts, LocmemSMSBackend.outbox
    return texts[-1]


def test_the_link_uses_the_address_and_port_the_request_came_in_on(
    tree, client, categories, settings
):
    settings.SITE_URL = ""
    client.post(reverse("public:submit"), form_data(tree), HTTP_HOST="127.0.0.1:8765")
    appeal = Appeal.objects.get()
    assert f"http://127.0.0.1:8765/track/{appeal.tracking_code}/" in _sms_for(appeal)


def test_the_configured_site_url_wins(tree, client, categories, settings):
    settings.SITE_URL = "https://priem.amanat.kz/"
    client.post(reverse("public:submit"), form_data(tree), HTTP_HOST="127.0.0.1:8765")
    appeal = Appeal.objects.get()
    assert f"https://priem.amanat.kz/track/{appeal.tracking_code}/" in _sms_for(appeal)


def test_a_forged_host_gets_no_appeal_and_no_link(tree, client, categories, settings):
    settings.SITE_URL = ""
    response = client.post(
        reverse("public:submit"), form_data(tree), HTTP_HOST="phishing.example.net"
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    assert LocmemSMSBackend.outbox == []


def test_outside_a_request_the_fallback_is_make_runs_address(settings):
    settings.SITE_URL = ""
    assert siteurl.site_url() == "http://127.0.0.1:8000"
    settings.SITE_URL = "https://priem.amanat.kz/"
    assert siteurl.absolute("/track/X/") == "https://priem.amanat.kz/track/X/"
