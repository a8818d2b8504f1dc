"""What is stored is clean: allowed tags only, covers re-encoded without EXIF or GPS."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pervichka.media import services
from pervichka.media.sanitize import clean_html, image_renditions
from tests.media.conftest import jpeg_bytes, jpeg_upload, news_data


def test_script_is_removed_with_its_content():
    assert clean_html("<p>a</p><script>alert(1)</script>") == "<p>a</p>"


def test_event_handlers_are_removed():
    cleaned = clean_html('<p onclick="steal()">a<img src=x onerror="alert(1)"></p>')
    assert cleaned == "<p>a</p>"


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,x"],
)
def test_javascript_links_are_removed(href):
    assert clean_html(f'<a href="{href}">x</a>') == '<a rel="noopener noreferrer nofollow">x</a>'


def test_allowed_tags_stay():
    html = (
        '<p><strong>a</strong> <em>b</em></p><ul><li>c</li></ul><a href="https://amanat.kz/">d</a>'
    )
    assert clean_html(html) == html.replace('">d', '" rel="noopener noreferrer nofollow">d')


def test_styles_iframes_and_forms_go():
    html = (
        '<style>p{}</style><iframe src="https://x"></iframe><form><input></form><p style="x">a</p>'
    )
    assert clean_html(html) == "<p>a</p>"


def test_service_stores_the_body_sanitised(correspondent_a, tree):
    item = services.news_create(
        actor=correspondent_a,
        unit=tree.primary_a,
        data=news_data(body='<p>a</p><script>x()</script><a href="javascript:x()">l</a>'),
    )
    item.refresh_from_db()
    assert "script" not in item.body
    assert "javascript" not in item.body


def test_renditions_carry_no_exif_and_no_gps():
    source = Image.open(io.BytesIO(jpeg_bytes()))
    assert source.getexif().get_ifd(0x8825)  # the fixture does carry GPS
    renditions = image_renditions(jpeg_upload())
    sizes = {}
    for name, content in renditions.items():
        data = content.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert b"Exif" not in data
        assert b"PhoneMaker" not in data
        sizes[name] = image.size
    assert sizes == {"cover": (1600, 1067), "medium": (800, 533), "thumb": (320, 213)}


def test_service_stores_covers_without_exif(correspondent_a, tree):
    item = services.news_create(
        actor=correspondent_a, unit=tree.primary_a, data=news_data(), cover=jpeg_upload()
    )
    for field in (item.cover, item.cover_medium, item.cover_thumb):
        with field.open("rb") as f:
            data = f.read()
        assert b"PhoneMaker" not in data
        assert dict(Image.open(io.BytesIO(data)).getexif()) == {}


def test_orientation_is_applied_before_exif_goes():
    image = Image.new("RGB", (400, 200), "red")
    tags = Image.Exif()
    tags[0x0112] = 6  # rotated 90° clockwise
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=tags)
    upload = SimpleUploadedFile("r.jpg", buffer.getvalue())
    thumb = Image.open(image_renditions(upload)["thumb"])
    assert thumb.size == (160, 320)


@pytest.mark.hostile
@pytest.mark.parametrize(
    "content",
    [b"<script>alert(1)</script>", b"GIF89a" + b"\0" * 64, b"%PDF-1.4", b"\0" * 100, b""],
)
def test_not_a_picture_is_refused(content):
    with pytest.raises(ValidationError):
        image_renditions(SimpleUploadedFile("x.jpg", content))


@pytest.mark.hostile
def test_a_decompression_bomb_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # small file, 400 megapixels
    assert len(buffer.getvalue()) < 2_000_000
    with pytest.raises(ValidationError):
        image_renditions(SimpleUploadedFile("bomb.png", buffer.getvalue()))


@pytest.mark.hostile
def test_a_huge_file_is_refused(settings):
    settings.PERVICHKA_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError):
        image_renditions(jpeg_upload())
