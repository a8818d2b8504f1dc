"""The newsroom's pages over HTTP: a correspondent writes and submits, the press secretary
asks for a change and approves; outsiders get 404 and change nothing."""

from django.conf import settings
from django.urls import reverse

from pervichka.media.models import NewsItem, SocialPost
from tests.media.conftest import jpeg_upload


def form(unit, **changes):
    data = {
        "unit": unit.pk,
        "title": "Талшик: субботник",
        "title_kk": "Талшық: сенбілік",
        "lead": "Жители убрали парк.",
        "lead_kk": "Тұрғындар саябақты тазалады.",
        "body": "<p>Текст<script>x()</script></p>",
        "body_kk": "<p>Мәтін</p>",
    }
    data.update(changes)
    return data


def test_correspondent_writes_and_press_secretary_moderates(
    login, correspondent_a, press_secretary, tree
):
    client = login(correspondent_a)
    response = client.post(
        reverse("media:new"), form(tree.primary_a, cover=jpeg_upload()), follow=True
    )
    assert response.status_code == 200
    item = NewsItem.objects.get()
    assert item.body == "<p>Текст</p>"
    assert item.cover_thumb
    # Submission waits for the statement about the people in the cover.
    client.post(reverse("media:act", args=[item.pk, "submit"]))
    item.refresh_from_db()
    assert item.status == "draft"
    client.post(reverse("media:cover_people", args=[item.pk]), {"cover-people": "none"})
    client.post(reverse("media:act", args=[item.pk, "submit"]))
    item.refresh_from_db()
    assert item.status == "submitted"

    client = login(press_secretary)
    queue = client.get(reverse("media:queue")).content.decode()
    assert f'data-news="{item.pk}"' in queue
    client.post(reverse("media:act", args=[item.pk, "request_changes"]), {"note": "Фото?"})
    item.refresh_from_db()
    assert (item.status, item.status_note) == ("changes", "Фото?")

    client = login(correspondent_a)
    page = client.get(reverse("media:item", args=[item.pk])).content.decode()
    assert "Фото?" in page
    client.post(reverse("media:edit", args=[item.pk]), form(tree.primary_a, title="Новый"))
    client.post(reverse("media:act", args=[item.pk, "submit"]))

    client = login(press_secretary)
    client.post(reverse("media:act", args=[item.pk, "approve"]))
    client.post(reverse("media:act", args=[item.pk, "publish"]))
    item.refresh_from_db()
    assert (item.status, item.title) == ("published", "Новый")
    assert client.get(reverse("public:news_item", args=[item.pk])).status_code == 200


def test_correspondent_cannot_approve_through_the_page(login, correspondent_a, draft):
    client = login(correspondent_a)
    client.post(reverse("media:act", args=[draft.pk, "submit"]))
    response = client.post(reverse("media:act", args=[draft.pk, "approve"]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_refusal_of_personal_data_is_shown(login, correspondent_a, draft, tree):
    client = login(correspondent_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English messages below
    client.post(
        reverse("media:edit", args=[draft.pk]), form(tree.primary_a, body="<p>+7 701 123 45 67</p>")
    )
    response = client.post(reverse("media:act", args=[draft.pk, "submit"]), follow=True)
    assert "personal data" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_outsiders_get_404_on_primary_a_items(
    login, draft, correspondent_b, press_secretary_other, chair_b
):
    for outsider in (correspondent_b, press_secretary_other, chair_b):
        client = login(outsider)
        for name, args in (
            ("media:item", [draft.pk]),
            ("media:edit", [draft.pk]),
            ("media:cover", [draft.pk, "thumb"]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404
        assert client.post(reverse("media:act", args=[draft.pk, "submit"])).status_code == 404
        listing = client.get(reverse("media:news")).content.decode()
        assert "Талшик: субботник" not in listing
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_correspondent_cannot_write_for_another_primary(login, correspondent_b, tree):
    client = login(correspondent_b)
    response = client.post(reverse("media:new"), form(tree.primary_a))
    assert response.status_code == 200  # the form refuses the unit it does not offer
    assert not NewsItem.objects.exists()


def test_post_log_validates_links_and_refuses_duplicates(login, correspondent_a, tree):
    client = login(correspondent_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English messages below
    data = {
        "unit": tree.primary_a.pk,
        "platform": "instagram",
        "url": "https://www.instagram.com/p/ABC123/?igsh=x",
        "posted_on": "2026-12-01",
        "reach_24h": "120",
        "reach_7d": "300",
    }
    client.post(reverse("media:posts"), data)
    assert SocialPost.objects.get().url == "https://instagram.com/p/ABC123"
    again = client.post(reverse("media:posts"), data | {"url": "http://instagram.com/p/ABC123"})
    assert "already in the log" in again.content.decode()
    wrong = client.post(reverse("media:posts"), data | {"url": "https://t.me/channel/5"})
    assert "not a link to a post" in wrong.content.decode()
    assert SocialPost.objects.count() == 1
    summary = client.get(reverse("media:posts"), {"month": "2026-12"}).content.decode()
    assert "<td>300</td>" in summary


def test_posts_of_primary_a_are_not_shown_to_outsiders(login, correspondent_a, chair_b, tree):
    login(correspondent_a).post(
        reverse("media:posts"),
        {
            "unit": tree.primary_a.pk,
            "platform": "telegram",
            "url": "https://t.me/talshik/12",
            "posted_on": "2026-12-01",
        },
    )
    assert SocialPost.objects.count() == 1
    page = login(chair_b).get(reverse("media:posts"), {"month": "2026-12"}).content.decode()
    assert "t.me/talshik" not in page
    assert "ППО Талшик" not in page


def test_accounts_are_validated_per_platform_and_recorded_once(login, correspondent_a, tree):
    from pervichka.media.models import SocialAccount

    client = login(correspondent_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the English messages below
    data = {
        "kind": "account",
        "account-unit": tree.primary_a.pk,
        "account-platform": "telegram",
        "account-url": "https://t.me/talshik_amanat/",
    }
    client.post(reverse("media:posts"), data)
    assert SocialAccount.objects.get().url == "https://t.me/talshik_amanat"
    again = client.post(reverse("media:posts"), data)
    assert "already recorded" in again.content.decode()
    wrong = client.post(reverse("media:posts"), data | {"account-url": "https://evil.example/t.me"})
    assert "not an address on" in wrong.content.decode()
    assert SocialAccount.objects.count() == 1
    page = client.get(reverse("public:primary", args=[tree.primary_a.pk])).content.decode()
    assert "https://t.me/talshik_amanat" in page


def test_correspondent_cannot_record_an_account_of_another_primary(login, correspondent_b, tree):
    from pervichka.media.models import SocialAccount

    login(correspondent_b).post(
        reverse("media:posts"),
        {
            "kind": "account",
            "account-unit": tree.primary_a.pk,
            "account-platform": "telegram",
            "account-url": "https://t.me/x",
        },
    )
    assert not SocialAccount.objects.exists()
