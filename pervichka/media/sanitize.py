"""What is done to a news item before it is stored or published: its HTML cleaned to a short
list of tags, its cover re-encoded without metadata (EXIF, GPS) and cut into renditions, and
its text searched for personal data (an IIN, a private person's phone number).

The HTML is cleaned by nh3 (the Ammonia sanitiser): whatever is not on the list goes, with
the content of script and style elements; links keep only http, https and mailto addresses.
Images go through Pillow: decoding and encoding again drops whatever the file carried
besides its pixels, and the orientation of EXIF is applied to the pixels first, so a photo
taken sideways does not end up sideways."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import nh3
import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from pervichka.core.iin import is_valid_iin

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "s", "ul", "ol", "li", "a", "blockquote", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_html(value: str) -> str:
    """Only the allowed tags and attributes; no script, no event handler, no javascript:."""
    return nh3.clean(
        value or "",
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(value: str) -> str:
    return html.unescape(strip_tags(value or ""))


# Renditions of a cover: the name of each and the longest side in pixels.
RENDITIONS = (("cover", 1600), ("medium", 800), ("thumb", 320))
# More pixels than this is refused before decoding (a decompression bomb): 40 megapixels is
# more than any phone's camera gives.
MAX_PIXELS = 40_000_000
# A side longer than this is no photo (a strip of 100,000 × 10 pixels passes MAX_PIXELS).
MAX_SIDE = 12_000


def image_renditions(upload, *, max_bytes: int | None = None) -> dict[str, ContentFile]:
    """A cover or a gallery photo re-encoded as JPEG in every rendition, with no metadata.

    Raises ValidationError for anything that is not a JPEG or PNG picture, is larger than
    `max_bytes` (the attachment limit by default), has more pixels than `MAX_PIXELS` or a
    side longer than `MAX_SIDE` (checked from the header, before any pixel is decoded)."""
    name = getattr(upload, "name", "") or "image"
    limit = max_bytes or settings.PERVICHKA_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)}
        )
    too_large = _("%(name)s has too many pixels.") % {"name": name}
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in ("JPEG", "PNG"):
            raise ValidationError(_("%(name)s: only JPG and PNG pictures.") % {"name": name})
        if image.width * image.height > MAX_PIXELS or max(image.size) > MAX_SIDE:
            raise ValidationError(too_large)
        image.load()
        image = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as exc:
        raise ValidationError(too_large) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("%(name)s is not a picture.") % {"name": name}) from exc
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    # A fresh image holds pixels only: nothing of the source's info (EXIF, XMP, comments) is
    # carried into the file written below.
    pixels = Image.new(image.mode, image.size)
    pixels.paste(image)
    result = {}
    for rendition, side in RENDITIONS:
        copy = pixels.copy()
        copy.thumbnail((side, side))
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=85, optimize=True)
        result[rendition] = ContentFile(buffer.getvalue(), name=f"{rendition}.jpg")
    return result


@dataclass(frozen=True)
class Finding:
    kind: str  # "iin" or "phone"
    text: str  # masked: never echo personal data back in full


_DIGIT_RUN = re.compile(r"(?<!\d)(?:\d[ \-]?){11}\d(?!\d)")
# Types of number a private person has; an office's landline may stay in a news item.
_PRIVATE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
}


def _mask(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "…" + digits[-4:]


def personal_data_in(*texts: str) -> list[Finding]:
    """Checksum-valid IINs and mobile phone numbers found in the texts (HTML or plain)."""
    findings: list[Finding] = []
    for value in texts:
        for source in {value or "", plain_text(value)}:
            for match in _DIGIT_RUN.finditer(source):
                digits = re.sub(r"\D", "", match.group())
                if is_valid_iin(digits):
                    findings.append(Finding("iin", _mask(digits)))
            for match in phonenumbers.PhoneNumberMatcher(source, "KZ"):
                if phonenumbers.number_type(match.number) in _PRIVATE_TYPES:
                    findings.append(Finding("phone", _mask(match.raw_string)))
    unique = list(dict.fromkeys(findings))
    return unique
