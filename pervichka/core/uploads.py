"""Uploaded files: only the kinds people send (photos, scans, office documents), checked by
their first bytes, not only by their names, and limited in size.

Workbooks are ZIP archives, and a 1 MB XLSX can hold shared strings that expand to a
gigabyte (a zip bomb): `check_xlsx` reads the archive's directory and refuses it before any
XML is parsed when an entry would expand past the limits of the settings, expands more than
a sane ratio, or holds more shared strings than an import needs. Python's zipfile never
inflates an entry beyond the size its directory declares, so the declared sizes bound what
a reader can be made to hold.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import iterparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".txt": ("text/plain", ()),
}


def validate_upload(upload) -> str:
    """The content type of an acceptable file; a clear error for anything else."""
    name = upload.name or ""
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s: only photos (JPG, PNG), PDF, Word, Excel and text files are accepted.")
            % {"name": name}
        )
    max_bytes = settings.PERVICHKA_ATTACHMENT_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": name, "mb": max_bytes // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    content_type, signatures = ALLOWED_TYPES[suffix]
    head = upload.read(8)
    upload.seek(0)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("%(name)s is not really a %(kind)s file.")
            % {"name": name, "kind": suffix[1:].upper()}
        )
    if suffix == ".txt":
        try:
            upload.read(65536).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("%(name)s is not a text file.") % {"name": name}) from exc
        finally:
            upload.seek(0)
    return content_type


# An entry smaller than this is never refused for its ratio: tiny XML compresses well.
_RATIO_FLOOR = 1024 * 1024
_SST = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"


def _mb(size: int) -> int:
    return max(1, size // (1024 * 1024))


def check_size(upload, limit: int) -> None:
    """Refuse an upload larger than `limit` bytes (a setting) with a message naming it."""
    size = upload.size if hasattr(upload, "size") else len(upload)
    if size > limit:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": _mb(limit)})


def check_xlsx(source: str | Path | IO[bytes]) -> None:
    """Refuse a workbook that would expand past the limits, before anything parses it."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from exc
    refused = _(
        "The workbook expands to more than its size allows (a damaged file or a zip bomb); "
        "save it again in Excel, or split it."
    )
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.PERVICHKA_XLSX_MAX_ENTRIES:
            raise ValidationError(refused)
        total = 0
        for entry in entries:
            total += entry.file_size
            if entry.file_size > settings.PERVICHKA_XLSX_MAX_ENTRY_BYTES:
                raise ValidationError(refused)
            if (
                entry.file_size > _RATIO_FLOOR
                and entry.file_size > entry.compress_size * settings.PERVICHKA_ZIP_MAX_RATIO
            ):
                raise ValidationError(refused)
        if total > settings.PERVICHKA_XLSX_MAX_TOTAL_BYTES:
            raise ValidationError(refused)
        for entry in entries:
            if entry.filename.lower().endswith("sharedstrings.xml"):
                if entry.file_size > settings.PERVICHKA_XLSX_MAX_SHARED_STRINGS_BYTES:
                    raise ValidationError(refused)
                _count_shared_strings(archive, entry)


def _count_shared_strings(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """openpyxl holds every shared string in memory: count them first, as a stream."""
    limit = settings.PERVICHKA_XLSX_MAX_SHARED_STRINGS
    count = 0
    try:
        with archive.open(entry) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                if element.tag == _SST:
                    count += 1
                    element.clear()
                    if count > limit:
                        raise ValidationError(
                            _("The workbook holds more than %(n)d different texts; split it.")
                            % {"n": limit}
                        )
    except (zipfile.BadZipFile, SyntaxError, EOFError) as exc:  # ParseError is a SyntaxError
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from exc
