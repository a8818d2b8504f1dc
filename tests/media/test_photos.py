"""A news item's gallery and the people in its pictures: photos re-encoded like the cover,
limits and hostile files refused with a message, the author's statement about identifiable
people (consent on file; a parent's for a child), and a withdrawn consent taking every
picture of that person down at once, from the item page, the feeds and the Open Graph tags."""

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from pervichka.core.iin import generate_iin
from pervichka.core.models import Notification
from pervichka.media import services
from pervichka.media.models import NewsItem, NewsPhoto
from pervichka.people import services as people_services
from pervichka.people.models import Consent
from tests.factories import PersonFactory
from tests.media.conftest import jpeg_upload, news_data
from tests.media.test_portal import feeds

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _in_english():
    # The messages are asserted in English; pages are asked for in their own language.
    translation.activate("en")


def consented(actor, unit, *, representative="", **person):
    """A person kept at `unit` with an open consent to the publication of photos."""
    found = PersonFactory(unit=unit, **person)
    people_services.consent_record(
        actor=actor,
        person=found,
        purpose="photos",
        channel="paper",
        representative=representative,
    )
    return found


def child_iin() -> str:
    return generate_iin(dt.date(2014, 3, 5), "F")  # 12 years old on 7 Dec 2026


def image_upload(size, mode="1", name="bomb.png", kind="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


def publish(item, correspondent, press_secretary):
    item = services.news_act(actor=correspondent, item=item, action="submit")
    item = services.news_act(actor=press_secretary, item=item, action="approve")
    return services.news_act(actor=press_secretary, item=item, action="publish")


# The gallery ---------------------------------------------------------------------------------


def test_photos_are_reencoded_without_metadata_in_order(draft, correspondent_a):
    first = services.photo_add(
        actor=correspondent_a, item=draft, upload=jpeg_upload(), caption="Парк", people="none"
    )
    second = services.photo_add(
        actor=correspondent_a, item=draft, upload=jpeg_upload(size=(800, 1200)), caption_kk="Бақ"
    )
    assert [(p.pk, p.position) for p in draft.photos.all()] == [(first.pk, 1), (second.pk, 2)]
    with first.image.open("rb") as handle:
        image = Image.open(handle)
        assert image.format == "JPEG"
        assert image.size == (1600, 1067)
        assert not image.getexif()
        assert "exif" not in image.info
    with first.image_thumb.open("rb") as handle:
        assert max(Image.open(handle).size) == 320
    with open(first.image.path, "rb") as handle:
        raw = handle.read()
    assert b"PhoneMaker" not in raw
    assert b"Phone 15" not in raw
    history = draft.history.order_by("-history_date", "-history_id").first()
    assert history.history_change_reason == "gallery: photo added"


def test_gallery_count_and_size_limits_say_why(draft, correspondent_a, settings):
    settings.PERVICHKA_NEWS_GALLERY_MAX_PHOTOS = 2
    for _n in range(2):
        services.photo_add(actor=correspondent_a, item=draft, upload=jpeg_upload())
    with pytest.raises(ValidationError) as refused:
        services.photo_add(actor=correspondent_a, item=draft, upload=jpeg_upload())
    assert refused.value.messages == ["A gallery holds at most 2 photos."]

    settings.PERVICHKA_NEWS_GALLERY_MAX_PHOTOS = 20
    settings.PERVICHKA_NEWS_PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as refused:
        services.photo_add(actor=correspondent_a, item=draft, upload=big)
    assert refused.value.messages == ["big.jpg is larger than 1 MB."]
    assert draft.photos.count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>\x00", "image/jpeg"),
            "x.jpg is not a picture.",
        ),
        # 400 megapixels in a file of a few dozen kilobytes: refused from the header.
        (image_upload((20_000, 20_000)), "bomb.png has too many pixels."),
        # Few pixels, but a side no photo has.
        (image_upload((60_000, 10), mode="L", name="strip.png"), "strip.png has too many pixels."),
        (image_upload((10, 10), "P", "x.gif", "GIF"), "x.gif: only JPG and PNG pictures."),
    ],
    ids=["not-an-image", "decompression-bomb", "huge-side", "gif"],
)
def test_hostile_files_are_refused_with_a_message(draft, correspondent_a, upload, message):
    with pytest.raises(ValidationError) as refused:
        services.photo_add(actor=correspondent_a, item=draft, upload=upload)
    assert refused.value.messages == [message]
    assert NewsPhoto.objects.count() == 0


def test_gallery_cannot_change_once_submitted_by_the_author(draft, correspondent_a):
    services.news_act(actor=correspondent_a, item=draft, action="submit")
    with pytest.raises(ValidationError):
        services.photo_add(actor=correspondent_a, item=draft, upload=jpeg_upload())


# The statement about the people in the pictures -----------------------------------------------


def test_submission_refused_while_a_photo_has_no_statement(correspondent_a, district_admin, tree):
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(), cover=jpeg_upload()
    )
    photo = services.photo_add(actor=correspondent_a, item=item, upload=jpeg_upload())
    with pytest.raises(ValidationError) as refused:
        services.news_act(actor=correspondent_a, item=item, action="submit")
    assert refused.value.messages == [
        "Cover: Say whether the photo shows identifiable people.",
        "Photo 1: Say whether the photo shows identifiable people.",
    ]
    services.cover_state(actor=correspondent_a, item=item, people="none", persons=[])
    person = consented(district_admin, tree.primary_b)  # of the district, another primary
    services.photo_update(
        actor=correspondent_a,
        photo=photo,
        caption="",
        caption_kk="",
        position=1,
        people="consented",
        persons=[person],
    )
    item = services.news_act(actor=correspondent_a, item=item, action="submit")
    assert item.status == "submitted"


def test_statement_must_name_people_with_open_consent(draft, correspondent_a, district_admin, tree):
    without = PersonFactory(unit=tree.primary_a, surname="Без", name="Согласия", patronymic="")
    elsewhere = consented(
        district_admin, tree.primary_a, surname="Другой", name="Район", patronymic=""
    )
    elsewhere.unit = tree.primary_c
    elsewhere.save()
    with pytest.raises(ValidationError) as refused:
        services.photo_add(
            actor=correspondent_a,
            item=draft,
            upload=jpeg_upload(),
            people="consented",
            persons=[without, elsewhere],
        )
    assert refused.value.messages == [
        "Без Согласия has no consent to the publication of photos on file.",
        "Другой Район has no consent to the publication of photos on file.",
    ]
    for people, persons, message in [
        ("consented", [], "Name the people in the photo whose consent is on file."),
        ("none", [without], "The photo shows no identifiable people: name nobody."),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.photo_add(
                actor=correspondent_a,
                item=draft,
                upload=jpeg_upload(),
                people=people,
                persons=persons,
            )
        assert refused.value.messages == [message]
    assert draft.photos.count() == 0


def test_consent_withdrawn_after_the_statement_blocks_submission(
    draft, correspondent_a, district_admin, tree
):
    person = consented(district_admin, tree.primary_a, surname="Ахметова", name="Айгерим")
    photo = services.photo_add(
        actor=correspondent_a, item=draft, upload=jpeg_upload(), people="consented",
        persons=[person],
    )  # fmt: skip
    # A new consent after the withdrawal does not bring the taken-down photo back...
    people_services.consent_withdraw(
        actor=district_admin, consent=Consent.objects.get(person=person), reason="заявление"
    )
    photo.refresh_from_db()
    assert photo.taken_down_at is not None
    # ...and a photo taken down is no longer shown, so it does not block the item.
    assert services.news_act(actor=correspondent_a, item=draft, action="submit").status == (
        "submitted"
    )


def test_a_child_needs_a_parents_consent(draft, correspondent_a, district_admin, tree):
    child = consented(
        district_admin, tree.primary_a, iin=child_iin(), surname="Касымова", name="Алия",
        patronymic="",
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.photo_add(
            actor=correspondent_a, item=draft, upload=jpeg_upload(), people="consented",
            persons=[child],
        )  # fmt: skip
    assert refused.value.messages == [
        "Касымова Алия is under 18: the consent must be given by a parent or legal "
        "representative, named in the consent register."
    ]
    consent = Consent.objects.get(person=child)
    people_services.consent_withdraw(actor=district_admin, consent=consent, reason="ошибка")
    people_services.consent_record(
        actor=district_admin,
        person=child,
        purpose="photos",
        channel="paper",
        representative="Касымова Гульнара (мать), заявление от 1.12.2026",
    )
    photo = services.photo_add(
        actor=correspondent_a, item=draft, upload=jpeg_upload(), people="consented",
        persons=[child],
    )  # fmt: skip
    assert list(photo.persons.all()) == [child]


# Withdrawal takes the pictures down ------------------------------------------------------------


@pytest.fixture
def with_photos(correspondent_a, press_secretary, district_admin, tree):
    """A published item whose cover and first photo show a consenting person; its second
    photo shows nobody."""
    person = consented(district_admin, tree.primary_a, surname="Ахметова", name="Айгерим")
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(), cover=jpeg_upload()
    )
    services.cover_state(actor=correspondent_a, item=item, people="consented", persons=[person])
    shown = services.photo_add(
        actor=correspondent_a, item=item, upload=jpeg_upload(), caption="Ахметова на субботнике",
        people="consented", persons=[person],
    )  # fmt: skip
    other = services.photo_add(
        actor=correspondent_a, item=item, upload=jpeg_upload(), caption="Парк после уборки",
        people="none",
    )  # fmt: skip
    item = publish(item, correspondent_a, press_secretary)
    return item, person, shown, other


def test_gallery_is_shown_on_the_item_page(client, with_photos):
    item, _person, shown, other = with_photos
    html = client.get(reverse("public:news_item", args=[item.pk])).content.decode()
    assert 'id="news-gallery"' in html
    assert html.index(f'data-photo="{shown.pk}"') < html.index(f'data-photo="{other.pk}"')
    assert "Ахметова на субботнике" in html
    response = client.get(reverse("public:news_photo", args=[item.pk, shown.pk, "medium"]))
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")


def test_gallery_caption_in_kazakh(client, correspondent_a, press_secretary, tree):
    item = services.news_create(actor=correspondent_a, unit=tree.primary_a, data=news_data())
    services.photo_add(
        actor=correspondent_a, item=item, upload=jpeg_upload(), caption="Парк",
        caption_kk="Саябақ", people="none",
    )  # fmt: skip
    item = publish(item, correspondent_a, press_secretary)
    client.cookies["pervichka_language"] = "kk"
    html = client.get(reverse("public:news_item", args=[item.pk])).content.decode()
    assert "Саябақ" in html


def test_withdrawal_takes_the_photos_down_at_once(
    client, with_photos, district_admin, tree, django_capture_on_commit_callbacks
):
    item, person, shown, other = with_photos
    page = reverse("public:news_item", args=[item.pk])
    cover = reverse("public:news_cover", args=[item.pk, "cover"])
    photo = reverse("public:news_photo", args=[item.pk, shown.pk, "medium"])
    html = client.get(page).content.decode()  # cached now, with the feeds
    assert f'<meta property="og:image" content="http://testserver{cover}">' in html
    assert f'data-photo="{shown.pk}"' in html
    for url in feeds(tree):
        assert f"/news/{item.pk}/medium.jpg".encode() in client.get(url).content, url

    with django_capture_on_commit_callbacks(execute=True):
        people_services.consent_withdraw(
            actor=district_admin,
            consent=Consent.objects.get(person=person, purpose="photos"),
            reason="Письменное заявление",
        )

    html = client.get(page).content.decode()
    assert "og:image" not in html
    assert "twitter:image" not in html
    assert f'data-photo="{shown.pk}"' not in html
    assert "Ахметова на субботнике" not in html
    assert f'data-photo="{other.pk}"' in html  # the photo of nobody stays
    assert client.get(cover).status_code == 404
    assert client.get(photo).status_code == 404
    home = client.get(reverse("public:news")).content.decode()
    assert f"/news/{item.pk}/medium.jpg" not in home
    for url in feeds(tree):
        content = client.get(url).content
        assert f"/news/{item.pk}/medium.jpg".encode() not in content, url
        assert b"enclosure" not in content, url
        ET.fromstring(content)  # still a valid feed
    item.refresh_from_db()
    assert item.status == "published"
    assert item.cover_taken_down_at is not None
    assert item.history.first().history_change_reason == (
        "photos taken down (2): consent withdrawn"
    )
    taken = Notification.objects.filter(kind="media.photos_taken_down")
    assert sorted(n.to for n in taken) == ["corr_a@example.org", "press@example.org"]
    assert "«Талшик: субботник»" in taken[0].body
    assert f"/newsroom/{item.pk}/" in taken[0].body


def test_subject_stopping_photos_takes_them_down(with_photos):
    _item, person, shown, other = with_photos
    people_services.consent_stop_by_subject(
        person=person, purpose="photos", channel="telegram", reason="/stop"
    )
    shown.refresh_from_db()
    other.refresh_from_db()
    assert shown.taken_down_at is not None
    assert other.taken_down_at is None


def test_withdrawing_another_purpose_leaves_the_photos(with_photos, district_admin):
    item, person, shown, _other = with_photos
    people_services.consent_record(
        actor=district_admin, person=person, purpose="outreach", channel="paper"
    )
    people_services.consent_withdraw(
        actor=district_admin,
        consent=Consent.objects.get(person=person, purpose="outreach"),
        reason="устно",
    )
    shown.refresh_from_db()
    item.refresh_from_db()
    assert shown.taken_down_at is None
    assert item.cover_taken_down_at is None


def test_replacing_the_cover_asks_for_a_new_statement(with_photos, press_secretary):
    item, _person, _shown, _other = with_photos
    item = services.news_update(
        actor=press_secretary, item=item, data=news_data(), cover=jpeg_upload()
    )
    item.refresh_from_db()
    assert (item.cover_people, list(item.cover_persons.all())) == ("", [])
    # Published meanwhile: the new cover waits for its statement before readers see it.
    assert not item.cover_shown
    services.cover_state(actor=press_secretary, item=item, people="none", persons=[])
    assert NewsItem.objects.get(pk=item.pk).cover_shown


# The newsroom's pages -------------------------------------------------------------------------


def test_author_manages_the_gallery_through_the_pages(
    login, draft, correspondent_a, district_admin, tree
):
    person = consented(district_admin, tree.primary_a, surname="Ахметова", name="Айгерим")
    client = login(correspondent_a)
    client.cookies["pervichka_language"] = "en"
    item_url = reverse("media:item", args=[draft.pk])
    page = client.get(item_url).content.decode()
    assert 'id="photo-add-form"' in page
    assert "Ахметова Айгерим" in page  # offered by name

    response = client.post(
        reverse("media:photo_add", args=[draft.pk]),
        {
            "add-upload": jpeg_upload(),
            "add-caption": "Субботник",
            "add-caption_kk": "Сенбілік",
            "add-people": "consented",
            "add-persons": [person.pk],
        },
        follow=True,
    )
    assert "The photo is added to the gallery." in response.content.decode()
    photo = draft.photos.get()
    assert (photo.caption, photo.caption_kk, photo.people) == ("Субботник", "Сенбілік", "consented")
    assert list(photo.persons.all()) == [person]
    thumb = reverse("media:photo_image", args=[draft.pk, photo.pk, "thumb"])
    assert thumb in response.content.decode()
    assert client.get(thumb)["Content-Type"] == "image/jpeg"

    response = client.post(
        reverse("media:photo_add", args=[draft.pk]),
        {"add-upload": SimpleUploadedFile("x.png", b"\x00<svg onload=alert(1)>")},
        follow=True,
    )
    assert "x.png is not a picture." in response.content.decode()
    assert draft.photos.count() == 1

    prefix = f"photo-{photo.pk}"
    client.post(
        reverse("media:photo_edit", args=[draft.pk, photo.pk]),
        {f"{prefix}-caption": "Парк", f"{prefix}-position": "5", f"{prefix}-people": "none"},
    )
    photo.refresh_from_db()
    assert (photo.caption, photo.position, photo.people) == ("Парк", 5, "none")
    assert list(photo.persons.all()) == []

    client.post(reverse("media:photo_remove", args=[draft.pk, photo.pk]))
    assert draft.photos.count() == 0


def test_submission_refusal_is_shown_on_the_page(login, draft, correspondent_a):
    services.photo_add(actor=correspondent_a, item=draft, upload=jpeg_upload())
    client = login(correspondent_a)
    client.cookies["pervichka_language"] = "en"
    response = client.post(reverse("media:act", args=[draft.pk, "submit"]), follow=True)
    assert "Photo 1: Say whether the photo shows identifiable people." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("outsider", ["correspondent_b", "press_secretary_other"])
def test_outsiders_get_404_on_the_photos_and_change_nothing(
    request, login, correspondent_a, tree, outsider
):
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(), cover=jpeg_upload()
    )
    photo = services.photo_add(
        actor=correspondent_a, item=item, upload=jpeg_upload(), caption="Ахметова"
    )
    client = login(request.getfixturevalue(outsider))
    prefix = f"photo-{photo.pk}"
    for url, data in [
        (reverse("media:cover_people", args=[item.pk]), {"cover-people": "none"}),
        (
            reverse("media:photo_add", args=[item.pk]),
            {"add-upload": jpeg_upload(), "add-people": "none"},
        ),
        (
            reverse("media:photo_edit", args=[item.pk, photo.pk]),
            {f"{prefix}-caption": "Взлом", f"{prefix}-people": "none"},
        ),
        (reverse("media:photo_remove", args=[item.pk, photo.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 404, url
    thumb = reverse("media:photo_image", args=[item.pk, photo.pk, "thumb"])
    assert client.get(thumb).status_code == 404
    # Another item's photo through this item's address is missing too.
    assert (
        client.get(reverse("public:news_photo", args=[item.pk, photo.pk, "thumb"])).status_code
        == 404
    )
    item.refresh_from_db()
    photo.refresh_from_db()
    assert item.cover_people == ""
    assert (photo.caption, photo.people) == ("Ахметова", "")
    assert item.photos.count() == 1


def test_a_parents_consent_is_recorded_from_the_member_card(login, member_a, chair_a):
    response = login(chair_a).post(
        reverse("people:consent_add", args=[member_a.person_id]),
        {
            "purpose": "photos",
            "channel": "paper",
            "representative": "  Ахметов Марат (отец), заявление №12  ",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(person=member_a.person, purpose="photos")
    assert consent.representative == "Ахметов Марат (отец), заявление №12"
    card = login(chair_a).get(reverse("people:detail", args=[member_a.pk])).content.decode()
    assert "Ахметов Марат (отец), заявление №12" in card
