"""Uploaded files: only the kinds people send (photos, scans, office documents), checked by
their first bytes, not only by their names, and limited in size."""

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
