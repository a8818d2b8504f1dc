"""The reach imported from the CSV that a platform's statistics export: per-platform headers
in Russian and English, both delimiters, UTF-8 with BOM and Windows-1251; matched, unmatched
and refused rows; idempotent; hostile files refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from pervichka.media import services
from pervichka.media.models import SocialPost
from pervichka.media.reach import reach_import


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def log(actor, unit, platform, url):
    return services.post_log(
        actor=actor, unit=unit, platform=platform, url=url, posted_on=dt.date(2026, 12, 1)
    )


def csv_file(text: str, *, encoding: str = "utf-8", name: str = "stats.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def posts(correspondent_a, correspondent_b, tree):
    return {
        "ig1": log(correspondent_a, tree.primary_a, "instagram", "https://instagram.com/p/AAA"),
        "ig2": log(correspondent_a, tree.primary_a, "instagram", "https://instagram.com/p/BBB"),
        "tg": log(correspondent_a, tree.primary_a, "telegram", "https://t.me/talshik/10"),
        "b": log(correspondent_b, tree.primary_b, "instagram", "https://instagram.com/p/BBBB"),
    }


def reach_of(post):
    post.refresh_from_db()
    return post.reach_24h, post.reach_7d


def test_instagram_export_in_english_fills_the_7_day_reach_and_reports(posts, correspondent_a):
    text = (
        "Post ID,Permalink,Description,Impressions,Reach\n"
        '1,https://www.instagram.com/p/AAA/?igsh=xyz,Субботник,"2,100","1,534"\n'
        "2,https://instagram.com/p/BBB,Другое,900,700\n"
        "3,https://instagram.com/p/ZZZ,Нет в журнале,10,5\n"
        "4,https://instagram.com/p/BBBB,Пост другой первички,10,5\n"
        "5,https://vk.com/wall-1_2,Чужая сеть,10,5\n"
        "6,https://instagram.com/p/CCC,Не число,10,много\n"
        '7,=HYPERLINK("http://evil"),Формула,10,5\n'
        "8,https://instagram.com/p/AAA,Повтор,10,6\n"
    )
    report = reach_import(
        actor=correspondent_a, platform="instagram", which="7d", upload=csv_file(text)
    )
    assert (report.link_column, report.value_column) == ("Permalink", "Reach")
    assert [(row, post.url, old, new) for row, post, old, new in report.matched] == [
        (2, "https://instagram.com/p/AAA", None, 1534),
        (3, "https://instagram.com/p/BBB", None, 700),
    ]
    # Primary B's post is not primary A's to fill: "not in the log", as if it did not exist.
    assert report.unmatched == [
        (4, "https://instagram.com/p/ZZZ"),
        (5, "https://instagram.com/p/BBBB"),
    ]
    assert report.refused == [
        (6, "Not a link to a post on Instagram."),
        (7, "The reach «много» is not a whole number."),
        (8, "The row holds a formula."),
        (9, "The post is also in row 2."),
    ]
    assert reach_of(posts["ig1"]) == (None, 1534)
    assert reach_of(posts["b"]) == (None, None)
    # The same file again: nothing changes, everything is "already so".
    again = reach_import(
        actor=correspondent_a, platform="instagram", which="7d", upload=csv_file(text)
    )
    assert (len(again.matched), again.unchanged) == (0, 2)
    assert posts["ig1"].history.count() == 2  # logged, then filled once


@pytest.mark.parametrize(
    ("platform", "text", "encoding"),
    [
        # Telegram in Russian, semicolons, Windows-1251 (Excel in a Russian locale).
        ("telegram", "Дата;Ссылка;Просмотры\n01.12.2026;https://t.me/talshik/10;1 250\n", "cp1251"),
        # UTF-8 with a BOM, Russian Meta headers.
        ("instagram", "Постоянная ссылка;Охват\nhttps://instagram.com/p/AAA;1250\n", "utf-8-sig"),
        # TikTok's English export: views where there is no reach column.
        ("tiktok", "Video link,Video views\nhttps://www.tiktok.com/@a/video/1,1250\n", "utf-8"),
        # VK in Russian.
        ("vk", "Ссылка на запись,Охват,Просмотры\nhttps://vk.com/wall-1_2,1250,3000\n", "utf-8"),
        # Facebook, a spreadsheet's float.
        ("facebook", "Permalink,Post reach\nhttps://facebook.com/a/posts/1,1250.0\n", "utf-8"),
    ],
)
def test_each_platform_header_mapping_and_encoding(correspondent_a, tree, platform, text, encoding):
    url = text.splitlines()[1].split(";" if ";" in text else ",")[
        1 if platform == "telegram" else 0
    ]
    post = log(correspondent_a, tree.primary_a, platform, url)
    report = reach_import(
        actor=correspondent_a,
        platform=platform,
        which="24h",
        upload=csv_file(text, encoding=encoding),
    )
    assert [new for _row, _post, _old, new in report.matched] == [1250]
    assert reach_of(post) == (1250, None)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file("Permalink,Reach\nhttps://instagram.com/p/AAA,1\x00\n"), "NUL bytes"),
        (csv_file("Permalink,Reach\n", name="stats.xlsx"), "Upload the CSV file"),
        (csv_file("Caption,Likes\nx,1\n"), "must name the post's link and its reach"),
        (csv_file(""), "The file is empty"),
        (SimpleUploadedFile("s.csv", b"\xff\xfe\x00\x00bad"), "NUL bytes"),
    ],
)
def test_hostile_or_wrong_files_are_refused_whole(posts, correspondent_a, upload, message):
    with pytest.raises(ValidationError) as err:
        reach_import(actor=correspondent_a, platform="instagram", which="7d", upload=upload)
    assert message in str(err.value)
    assert not SocialPost.objects.filter(reach_7d__isnull=False).exists()


@override_settings(PERVICHKA_REACH_IMPORT_MAX_BYTES=1024, PERVICHKA_REACH_IMPORT_MAX_ROWS=5)
def test_huge_files_are_refused(posts, correspondent_a):
    big = csv_file("Permalink,Reach\n" + "https://instagram.com/p/AAA,1\n" * 100)
    with pytest.raises(ValidationError, match="larger than"):
        reach_import(actor=correspondent_a, platform="instagram", which="7d", upload=big)
    long = csv_file("Permalink,Reach\n" + "https://instagram.com/p/A,1\n" * 10)
    with pytest.raises(ValidationError, match="more than 5 lines"):
        reach_import(actor=correspondent_a, platform="instagram", which="7d", upload=long)
    assert reach_of(posts["ig1"]) == (None, None)


def test_reach_import_page(login, posts, correspondent_a, correspondent_b):
    client = login(correspondent_b)
    response = client.post(
        reverse("media:reach_import"),
        {
            "platform": "instagram",
            "which": "7d",
            "file": csv_file("Permalink;Reach\nhttps://instagram.com/p/AAA;99\n"),
        },
    )
    page = response.content.decode()
    assert 'id="reach-unmatched"' in page
    assert reach_of(posts["ig1"]) == (None, None)  # primary A's post: B changes nothing
    response = login(correspondent_a).post(
        reverse("media:reach_import"),
        {
            "platform": "instagram",
            "which": "7d",
            "file": csv_file("Permalink;Reach\nhttps://instagram.com/p/AAA;99\n<script>;1\n"),
        },
    )
    page = response.content.decode()
    assert "<script>" not in page.split('id="reach-report"')[1]
    assert reach_of(posts["ig1"]) == (None, 99)
