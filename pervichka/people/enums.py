from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("signed on paper")
    ELECTRONIC = "electronic", _("electronic signature or web form")
    VERBAL = "verbal", _("verbally, recorded by an operator")
    IMPORTED = "imported", _("confirmed by the primary on import")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    ARCHIVED = "archived", _("left (archived)")


class DuesCategory(models.TextChoices):
    """What monthly dues a member pays: the district sets an amount or an exemption for each."""

    WORKING = "working", _("working")
    PENSIONER = "pensioner", _("pensioner")
    STUDENT = "student", _("student")
    UNEMPLOYED = "unemployed", _("unemployed")


class LeaveReason(models.TextChoices):
    OWN_WISH = "own_wish", _("at own request")
    MOVED = "moved", _("moved away")
    EXPELLED = "expelled", _("expelled")
    DECEASED = "deceased", _("deceased")
    TRANSFERRED = "transferred", _("transferred to another primary")
    OTHER = "other", _("other")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded: check the columns")
    CHECKED = "checked", _("checked, waiting for a decision")
    IMPORTED = "imported", _("imported")
    CANCELLED = "cancelled", _("cancelled: nothing imported")
    FAILED = "failed", _("could not be read")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the keeper")
    APPROVED = "approved", _("approved: the record may be used")
    REFUSED = "refused", _("refused")


class AccessAction(models.TextChoices):
    """What an entry of the access log records."""

    LOOKUP = "lookup", _("looked up by IIN")
    VIEW = "view", _("viewed IIN or phone unmasked")
    EXPORT = "export", _("exported personal data")
    SUBJECT_EXPORT = "subject_export", _("downloaded everything about a person")
    ANONYMISE = "anonymise", _("anonymised a person")


class ConsentPurpose(models.TextChoices):
    """What a person agreed their data may be used for (Law on personal data, art. 7-8):
    each purpose is consented to and withdrawn on its own."""

    MEMBERSHIP = "membership", _("party membership")
    APPEALS = "appeals", _("handling of appeals")
    YOUTH = "youth", _("youth work")
    EVENTS = "events", _("participation in events and projects")
    IDEAS = "ideas", _("ideas contest")
    OUTREACH = "outreach", _("outreach: news and invitations")
    PHOTOS = "photos", _("publication of photos")
    # Consent per contact channel (outreach issue): each channel is agreed to and stopped
    # on its own; withdrawing one is the "opt-out from everything" on that channel.
    CONTACT_SMS = "contact_sms", _("messages by SMS")
    CONTACT_TELEGRAM = "contact_tg", _("messages in Telegram")
    CONTACT_EMAIL = "contact_email", _("messages by e-mail")
    CONTACT_CALL = "contact_call", _("phone calls")


class ConsentChannel(models.TextChoices):
    """How a consent was given."""

    PAPER = "paper", _("signed on paper")
    SMS = "sms", _("SMS code")
    WEB = "web", _("web form")
    TELEGRAM = "telegram", _("Telegram")
    VERBAL = "verbal", _("verbally, recorded by an operator")
    IMPORTED = "imported", _("confirmed by the primary on import")
