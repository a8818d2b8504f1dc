"""Partners of the district: their links and news, managed by whoever moderates the
district's news, shown on the portal's home and the news page; the portal's caches move on
when they change; outsiders get 404 and change nothing; hostile input is refused or escaped."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from pervichka.media import selectors, services
from pervichka.media.models import Partner, PartnerNews

TODAY = dt.date(2026, 12, 7)  # tests.clock


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def partner_data(**changes) -> services.PartnerData:
    data = services.PartnerData(
        name="Газета «Акжар»", name_kk="«Ақжар» газеті", url="https://akzhar.kz/", position=1
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def news_data(**changes) -> services.PartnerNewsData:
    data = services.PartnerNewsData(
        title="Открыт новый мост",
        title_kk="Жаңа көпір ашылды",
        url="https://akzhar.kz/most",
        on_date=TODAY,
        days=14,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


@pytest.fixture
def partner(press_secretary, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.partner_save(
            actor=press_secretary, district=tree.district, data=partner_data()
        )


@pytest.fixture
def partner_news(partner, press_secretary, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.partner_news_add(actor=press_secretary, partner=partner, data=news_data())


# Services ----------------------------------------------------------------------------------


def test_partner_and_its_news_are_saved_and_bump_the_news_version(
    press_secretary, tree, django_capture_on_commit_callbacks
):
    before = selectors.news_version()
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.partner_save(
            actor=press_secretary, district=tree.district, data=partner_data()
        )
    assert selectors.news_version() > before
    assert partner.history.count() == 1
    before = selectors.news_version()
    with django_capture_on_commit_callbacks(execute=True):
        news = services.partner_news_add(actor=press_secretary, partner=partner, data=news_data())
    assert selectors.news_version() > before
    assert news.shown_until == TODAY + dt.timedelta(days=14)
    assert selectors.partner_news_public(5) == [news]
    before = selectors.news_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_set_active(actor=press_secretary, partner=partner, active=False)
    assert selectors.news_version() > before
    assert list(selectors.partners_public()) == []
    assert selectors.partner_news_public(5) == []  # an inactive partner's news go with it


def test_news_shown_for_its_days_only(partner, press_secretary):
    services.partner_news_add(
        actor=press_secretary,
        partner=partner,
        data=news_data(title="Старая", on_date=TODAY - dt.timedelta(days=10), days=3),
    )
    services.partner_news_add(
        actor=press_secretary,
        partner=partner,
        data=news_data(title="Будущая", on_date=TODAY + dt.timedelta(days=2)),
    )
    assert selectors.partner_news_public(5) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)//https://x.kz",
        "data:text/html,<script>alert(1)</script>",
        "ftp://akzhar.kz/",
        "//akzhar.kz/",
        "https://",
        "https://akzhar.kz/\x00",
    ],
)
def test_only_http_links_are_taken(press_secretary, tree, url):
    with pytest.raises(ValidationError):
        services.partner_save(
            actor=press_secretary, district=tree.district, data=partner_data(url=url)
        )
    assert not Partner.objects.exists()


def test_nul_bytes_and_empty_names_are_refused(press_secretary, tree, partner):
    with pytest.raises(ValidationError, match="control characters"):
        services.partner_save(
            actor=press_secretary, district=tree.district, data=partner_data(name="Газ\x00ета")
        )
    with pytest.raises(ValidationError, match="control characters"):
        services.partner_news_add(
            actor=press_secretary, partner=partner, data=news_data(title_kk="a\x00b")
        )
    with pytest.raises(ValidationError, match="Russian and Kazakh"):
        services.partner_save(
            actor=press_secretary, district=tree.district, data=partner_data(name_kk="  ")
        )
    with pytest.raises(ValidationError):
        services.partner_news_add(
            actor=press_secretary, partner=partner, data=news_data(on_date=dt.date(9999, 1, 1))
        )
    assert Partner.objects.count() == 1
    assert not PartnerNews.objects.exists()


def test_partners_are_the_districts(press_secretary, chair_a, press_secretary_other, tree, partner):
    with pytest.raises(ValidationError):  # a primary has no partners
        services.partner_save(actor=press_secretary, district=tree.primary_a, data=partner_data())
    for outsider in (chair_a, press_secretary_other):
        with pytest.raises(Http404):
            services.partner_save(actor=outsider, district=tree.district, data=partner_data())
        with pytest.raises(Http404):
            services.partner_set_active(actor=outsider, partner=partner, active=False)
        with pytest.raises(Http404):
            services.partner_news_add(actor=outsider, partner=partner, data=news_data())
    assert Partner.objects.get().is_active


# Pages -------------------------------------------------------------------------------------


def test_press_secretary_manages_partners_through_the_pages(login, press_secretary, tree):
    client = login(press_secretary)
    assert client.get(reverse("media:partners")).status_code == 200
    assert client.get(reverse("media:partner_new")).status_code == 200
    response = client.post(
        reverse("media:partner_new"),
        {
            "district": tree.district.pk,
            "name": "Акимат",
            "name_kk": "Әкімдік",
            "url": "https://akimat.kz/",
            "position": 2,
        },
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    url = reverse("media:partner", args=[partner.pk])
    response = client.post(
        url,
        {
            "name": "Акимат района",
            "name_kk": "Аудан әкімдігі",
            "url": "https://akimat.kz/r",
            "position": 3,
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.url, partner.position) == (
        "Акимат района",
        "https://akimat.kz/r",
        3,
    )
    # A javascript: link is refused with a message, nothing is changed.
    response = client.post(
        url, {"name": "X", "name_kk": "X", "url": "javascript:alert(1)", "position": 3}
    )
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.url == "https://akimat.kz/r"
    response = client.post(
        reverse("media:partner_news_add", args=[partner.pk]),
        {
            "title": "Приём",
            "title_kk": "Қабылдау",
            "url": "https://akimat.kz/n/1",
            "on_date": "2026-12-07",
            "days": 7,
        },
    )
    assert response.status_code == 302
    news = PartnerNews.objects.get()
    page = client.get(url).content.decode()
    assert f'data-partner-news="{news.pk}"' in page
    response = client.post(
        reverse("media:partner_news_add", args=[partner.pk]),
        {
            "title": "Y",
            "title_kk": "Y",
            "url": "javascript:alert(1)",
            "on_date": "2026-12-07",
            "days": 7,
        },
    )
    assert response.status_code == 200
    assert PartnerNews.objects.count() == 1
    assert client.post(reverse("media:partner_news_remove", args=[news.pk])).status_code == 302
    assert not PartnerNews.objects.exists()
    assert (
        client.post(reverse("media:partner_active", args=[partner.pk]), {"active": "0"}).status_code
        == 302
    )
    partner.refresh_from_db()
    assert not partner.is_active
    assert f'data-partner="{partner.pk}"' in client.get(reverse("media:partners")).content.decode()


def test_district_admin_manages_partners_too(login, district_admin, partner):
    client = login(district_admin)
    assert client.get(reverse("media:partner", args=[partner.pk])).status_code == 200


def test_outsiders_get_404_and_change_nothing(
    login, partner, partner_news, chair_a, correspondent_a, press_secretary_other
):
    for user in (chair_a, correspondent_a, press_secretary_other):
        client = login(user)
        assert client.get(reverse("media:partner", args=[partner.pk])).status_code == 404
        assert (
            client.post(
                reverse("media:partner", args=[partner.pk]),
                {"name": "X", "name_kk": "X", "url": "https://evil.kz/", "position": 0},
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("media:partner_active", args=[partner.pk]), {"active": "0"}
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("media:partner_news_add", args=[partner.pk]),
                {
                    "title": "X",
                    "title_kk": "X",
                    "url": "https://evil.kz/",
                    "on_date": "2026-12-07",
                    "days": 3,
                },
            ).status_code
            == 404
        )
        assert (
            client.post(reverse("media:partner_news_remove", args=[partner_news.pk])).status_code
            == 404
        )
    for user in (chair_a, correspondent_a):  # primaries do not manage partners at all
        client = login(user)
        assert client.get(reverse("media:partners")).status_code == 404
        assert client.get(reverse("media:partner_new")).status_code == 404
    # Another district's press secretary sees only their own district's (none).
    page = login(press_secretary_other).get(reverse("media:partners")).content.decode()
    assert "Акжар" not in page
    partner.refresh_from_db()
    assert (partner.name, partner.url, partner.is_active) == (
        "Газета «Акжар»",
        "https://akzhar.kz/",
        True,
    )
    assert list(PartnerNews.objects.values_list("pk", flat=True)) == [partner_news.pk]


# The portal --------------------------------------------------------------------------------


def test_portal_home_and_news_page_show_partners_and_their_news(client, partner, partner_news):
    for url in (reverse("public:home"), reverse("public:news")):
        page = client.get(url).content.decode()
        assert 'id="partners"' in page
        assert (
            '<a href="https://akzhar.kz/" rel="noopener nofollow" target="_blank">'
            "Газета «Акжар»</a>" in page
        )
        assert (
            '<a href="https://akzhar.kz/most" rel="noopener nofollow" target="_blank">'
            "Открыт новый мост</a>" in page
        )


def test_portal_escapes_scripts_in_names(
    client, press_secretary, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.partner_save(
            actor=press_secretary,
            district=tree.district,
            data=partner_data(
                name="<script>alert(1)</script>", url='https://x.kz/"onmouseover="a()'
            ),
        )
        services.partner_news_add(
            actor=press_secretary, partner=partner, data=news_data(title="<img src=x onerror=a()>")
        )
    page = client.get(reverse("public:home")).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert '"onmouseover="' not in page


def test_portal_caches_are_dropped_when_partners_change(
    client, partner, partner_news, press_secretary, django_capture_on_commit_callbacks
):
    home, news = reverse("public:home"), reverse("public:news")
    for url in (home, news):
        assert "Газета «Акжар»" in client.get(url).content.decode()
    # A write round the services is not seen: the pages come from the cache.
    Partner.objects.filter(pk=partner.pk).update(name="Мимо сервиса")
    for url in (home, news):
        assert "Мимо сервиса" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_save(
            actor=press_secretary, partner=partner, data=partner_data(name="Новое имя")
        )
    for url in (home, news):
        assert "Новое имя" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_news_remove(actor=press_secretary, news=partner_news)
    for url in (home, news):
        assert "Открыт новый мост" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_set_active(actor=press_secretary, partner=partner, active=False)
    for url in (home, news):
        assert 'id="partners"' not in client.get(url).content.decode()
