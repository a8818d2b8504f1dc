"""The message of the week: the district writes it, its primaries post it and mark the post
(logged in the post log tied to the kit), the district sees who picked it up; the KPI."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from PIL import Image

from pervichka.core import kpis
from pervichka.core.roles import Role
from pervichka.media import services
from pervichka.media.models import MessageKit, SocialPost
from tests.factories import UserFactory, grant
from tests.media.conftest import jpeg_upload

MONDAY = dt.date(2026, 12, 7)  # tests.clock: Monday 7 December 2026


def kit_data(**changes) -> services.KitData:
    data = services.KitData(
        week=MONDAY,
        title="Неделя чистоты",
        text="Выходим на субботник в каждом селе!",
        text_kk="Әр ауылда сенбілікке шығамыз!",
        hashtags="#Аманат, #Акжар  Taza_Like",
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


@pytest.fixture(autouse=True)
def _english():
    """The services' messages in English (the pages answer in the request's language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def kit(press_secretary, tree):
    return services.kit_create(
        actor=press_secretary, district=tree.district, data=kit_data(), picture=jpeg_upload()
    )


def use(actor, kit, unit, url="https://instagram.com/p/kit1", platform="instagram", **kw):
    return services.kit_use(
        actor=actor,
        kit=kit,
        primary=unit,
        platform=platform,
        url=url,
        posted_on=kw.get("posted_on", MONDAY),
    )


def test_kit_create_normalises_and_strips_the_picture(kit, tree):
    assert kit.week == MONDAY
    assert kit.hashtags == "#Аманат #Акжар #Taza_Like"
    with kit.picture.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert image.format == "JPEG"
    assert not image.getexif()  # no EXIF at all, GPS included
    assert max(image.size) == 1600


def test_kit_week_is_the_monday_and_one_a_week(press_secretary, tree, kit):
    with pytest.raises(ValidationError) as err:
        services.kit_create(
            actor=press_secretary,
            district=tree.district,
            data=kit_data(week=MONDAY.replace(day=10)),
        )
    assert "already has a message for this week" in str(err.value)
    later = services.kit_create(
        actor=press_secretary,
        district=tree.district,
        data=kit_data(week=dt.date(2026, 12, 17)),  # a Thursday
    )
    assert later.week == dt.date(2026, 12, 14)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"week": dt.date(9999, 12, 31)}, "within a year"),
        ({"hashtags": "#ok <script>"}, "is not a hashtag"),
        ({"hashtags": " ".join(f"#t{n}" for n in range(11))}, "at most 10"),
        ({"text": "Звоните +7 701 234 56 78"}, "personal data"),
        ({"text_kk": "<script>alert(1)</script>"}, "Write the topic and the text"),
    ],
)
def test_kit_create_refuses_bad_input(press_secretary, tree, changes, message):
    with pytest.raises(ValidationError) as err:
        services.kit_create(actor=press_secretary, district=tree.district, data=kit_data(**changes))
    assert message in str(err.value)
    assert not MessageKit.objects.exists()


def test_kit_text_is_stored_as_plain_text(press_secretary, tree):
    kit = services.kit_create(
        actor=press_secretary,
        district=tree.district,
        data=kit_data(text='<b onclick="x()">Жирный</b> текст<script>x()</script>'),
    )
    assert kit.text == "Жирный текст"


def test_kit_is_written_by_the_district_only(correspondent_a, press_secretary_other, tree):
    for actor in (correspondent_a, press_secretary_other):
        with pytest.raises(Http404):
            services.kit_create(actor=actor, district=tree.district, data=kit_data())


def test_kit_use_logs_a_post_tied_to_the_kit(kit, correspondent_a, tree):
    post = use(correspondent_a, kit, tree.primary_a, url="https://www.instagram.com/p/kit1/?igsh=x")
    assert post.kit == kit
    assert post.unit == tree.primary_a
    assert post.url == "https://instagram.com/p/kit1"
    assert SocialPost.objects.get().kit_id == kit.pk


def test_kit_use_validates_the_link_per_platform_and_refuses_duplicates(
    kit, correspondent_a, chair_a, tree
):
    with pytest.raises(ValidationError) as err:
        use(correspondent_a, kit, tree.primary_a, url="https://vk.com/wall-1_2")
    assert "not a link to a post on Instagram" in str(err.value)
    use(correspondent_a, kit, tree.primary_a)
    with pytest.raises(ValidationError) as err:
        use(chair_a, kit, tree.primary_a, url="https://instagram.com/p/kit1/")
    assert "already in the log" in str(err.value)
    with pytest.raises(ValidationError) as err:
        use(chair_a, kit, tree.primary_a, url="https://t.me/x/5", posted_on=dt.date(2026, 11, 29))
    assert "older than the message" in str(err.value)
    assert SocialPost.objects.count() == 1


def test_primary_b_cannot_mark_for_primary_a(kit, correspondent_b, tree):
    with pytest.raises(Http404):
        use(correspondent_b, kit, tree.primary_a)
    assert not SocialPost.objects.exists()


def test_kit_of_another_district_cannot_be_marked(kit, tree):
    chair_c = grant(UserFactory(username="chair_c"), Role.CHAIR, tree.primary_c)
    with pytest.raises(ValidationError) as err:
        use(chair_c, kit, tree.primary_c)
    assert "primary of the kit's district" in str(err.value)


# Pages ---------------------------------------------------------------------------------------


def test_district_sends_a_kit_and_sees_who_picked_it_up(
    login, press_secretary, correspondent_a, tree
):
    client = login(press_secretary)
    response = client.post(
        reverse("media:kit_new"),
        {
            "district": tree.district.pk,
            "week": "2026-12-09",
            "title": "Неделя чистоты",
            "text": "Текст недели",
            "text_kk": "Апта мәтіні",
            "hashtags": "#Аманат",
            "picture": jpeg_upload(),
        },
    )
    kit = MessageKit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("media:kit", args=[kit.pk])

    client = login(correspondent_a)
    page = client.get(reverse("media:kits")).content.decode()
    assert 'id="kit-current"' in page
    assert "Текст недели" in page
    response = client.post(
        reverse("media:kit_use", args=[kit.pk, tree.primary_a.pk]),
        {"platform": "telegram", "url": "https://t.me/talshik/77", "posted_on": "2026-12-07"},
    )
    assert response.status_code == 302
    assert SocialPost.objects.get().kit == kit
    # A bad link is shown on the form with its reason, and nothing is logged.
    response = client.post(
        reverse("media:kit_use", args=[kit.pk, tree.primary_a.pk]),
        {"platform": "tiktok", "url": "https://t.me/talshik/78", "posted_on": "2026-12-07"},
    )
    assert response.status_code == 200
    assert "Это не ссылка на пост в TikTok." in response.content.decode()
    assert SocialPost.objects.count() == 1
    own = client.get(reverse("media:kit", args=[kit.pk])).content.decode()
    assert "https://t.me/talshik/77" in own
    assert 'id="kit-pickups"' not in own

    client = login(press_secretary)
    page = client.get(reverse("media:kit", args=[kit.pk])).content.decode()
    assert f'data-primary="{tree.primary_a.pk}" data-used="1"' in page
    assert f'data-primary="{tree.primary_b.pk}" data-used="0"' in page
    assert "https://t.me/talshik/77" in page
    assert f'data-kit="{kit.pk}"' in client.get(reverse("media:kits")).content.decode()
    picture = client.get(reverse("media:kit_picture", args=[kit.pk, "full"]))
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"


def test_outsiders_get_404_on_the_kit_and_change_nothing(
    login, kit, correspondent_a, correspondent_b, press_secretary_other, tree
):
    use(correspondent_a, kit, tree.primary_a)
    # Primary B reads the district's kit but cannot mark for primary A.
    client = login(correspondent_b)
    assert client.get(reverse("media:kit", args=[kit.pk])).status_code == 200
    response = client.post(
        reverse("media:kit_use", args=[kit.pk, tree.primary_a.pk]),
        {"platform": "telegram", "url": "https://t.me/b/1", "posted_on": "2026-12-07"},
    )
    assert response.status_code == 404
    page = client.get(reverse("media:kit", args=[kit.pk])).content.decode()
    assert "instagram.com/p/kit1" not in page  # primary A's post is not primary B's to see
    # Another district's press secretary: 404 on everything of our kit.
    client = login(press_secretary_other)
    for url in (
        reverse("media:kit", args=[kit.pk]),
        reverse("media:kit_picture", args=[kit.pk, "full"]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("media:kit_use", args=[kit.pk, tree.primary_a.pk]),
            {"platform": "telegram", "url": "https://t.me/o/1", "posted_on": "2026-12-07"},
        ).status_code
        == 404
    )
    assert "Неделя чистоты" not in client.get(reverse("media:kits")).content.decode()
    assert client.get(reverse("media:kit_new")).status_code == 200  # for their own district
    assert list(SocialPost.objects.values_list("unit_id", "url")) == [
        (tree.primary_a.pk, "https://instagram.com/p/kit1")
    ]


def test_kit_new_is_404_for_a_primary(login, correspondent_a):
    assert login(correspondent_a).get(reverse("media:kit_new")).status_code == 404


# The KPI -----------------------------------------------------------------------------------


def test_kit_picked_up_is_the_share_of_the_periods_kits(press_secretary, correspondent_a, tree):
    first = services.kit_create(
        actor=press_secretary, district=tree.district, data=kit_data(week=dt.date(2026, 12, 14))
    )
    second = services.kit_create(actor=press_secretary, district=tree.district, data=kit_data())
    use(correspondent_a, first, tree.primary_a, url="https://instagram.com/p/a1")
    use(correspondent_a, first, tree.primary_a, url="https://t.me/a/1", platform="telegram")
    ids = [tree.primary_a.pk, tree.primary_b.pk, tree.district.pk, tree.primary_c.pk]
    december = kpis.Period.month(2026, 12)
    assert kpis.compute("kit_picked_up", ids, december) == {
        tree.primary_a.pk: 0.5,  # one of the two kits, on two platforms: counted once
        tree.primary_b.pk: 0.0,
        tree.district.pk: 0.25,  # one of four (primary, kit) pairs
        # primary C's district sent nothing: no data, not 0
    }
    use(correspondent_a, second, tree.primary_a, url="https://instagram.com/p/a2")
    assert kpis.compute("kit_picked_up", ids, december)[tree.primary_a.pk] == 1.0
    assert kpis.compute("kit_picked_up", ids, kpis.Period.month(2026, 11)) == {}
    assert kpis.REGISTRY["kit_picked_up"].list_url == "media:kits"
