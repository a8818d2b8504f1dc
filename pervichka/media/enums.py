from django.db import models
from django.utils.translation import pgettext_lazy


class NewsStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("news status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("news status", "submitted for moderation")
    CHANGES_REQUESTED = "changes", pgettext_lazy("news status", "changes requested")
    APPROVED = "approved", pgettext_lazy("news status", "approved")
    SCHEDULED = "scheduled", pgettext_lazy("news status", "scheduled")
    PUBLISHED = "published", pgettext_lazy("news status", "published")
    UNPUBLISHED = "unpublished", pgettext_lazy("news status", "withdrawn")
    ARCHIVED = "archived", pgettext_lazy("news status", "archived")


class NewsAction(models.TextChoices):
    SUBMIT = "submit", pgettext_lazy("news action", "Submit for moderation")
    REQUEST_CHANGES = "request_changes", pgettext_lazy("news action", "Ask for changes")
    APPROVE = "approve", pgettext_lazy("news action", "Approve")
    SCHEDULE = "schedule", pgettext_lazy("news action", "Schedule")
    PUBLISH = "publish", pgettext_lazy("news action", "Publish")
    UNPUBLISH = "unpublish", pgettext_lazy("news action", "Withdraw")
    ARCHIVE = "archive", pgettext_lazy("news action", "Archive")


S = NewsStatus
A = NewsAction
# action -> (the statuses it may be taken from, the status it leads to, who takes it).
# "author" is whoever may write the item (MEDIA_WRITE at its unit); "moderator" holds
# MEDIA_MODERATE there (the district's press secretary, an administrator).
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    A.SUBMIT: (frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, "author"),
    A.REQUEST_CHANGES: (
        frozenset({S.SUBMITTED, S.APPROVED, S.SCHEDULED}),
        S.CHANGES_REQUESTED,
        "moderator",
    ),
    A.APPROVE: (frozenset({S.SUBMITTED}), S.APPROVED, "moderator"),
    A.SCHEDULE: (frozenset({S.APPROVED}), S.SCHEDULED, "moderator"),
    A.PUBLISH: (frozenset({S.APPROVED, S.SCHEDULED, S.UNPUBLISHED}), S.PUBLISHED, "moderator"),
    A.UNPUBLISH: (frozenset({S.PUBLISHED}), S.UNPUBLISHED, "moderator"),
    A.ARCHIVE: (
        frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.PUBLISHED, S.UNPUBLISHED}),
        S.ARCHIVED,
        "moderator",
    ),
}
# The author edits the text only while it is theirs; a moderator may correct it until it is
# archived (a published item changed is re-sanitised and its cached pages dropped).
AUTHOR_EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
MODERATOR_EDITABLE = frozenset(
    {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.PUBLISHED, S.UNPUBLISHED}
)


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    WHATSAPP = "whatsapp", pgettext_lazy("platform", "WhatsApp channel")
    TELEGRAM = "telegram", pgettext_lazy("platform", "Telegram channel")
    TIKTOK = "tiktok", "TikTok"
    FACEBOOK = "facebook", "Facebook"
    VK = "vk", pgettext_lazy("platform", "VK")


# The hosts a post's link may point to, per platform (exact host or a subdomain of it).
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.WHATSAPP: ("whatsapp.com",),
    Platform.TELEGRAM: ("t.me", "telegram.me"),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.FACEBOOK: ("facebook.com", "fb.com", "fb.watch"),
    Platform.VK: ("vk.com", "vk.ru"),
}


class PhotoPeople(models.TextChoices):
    """What the author states about the people in a photo before it may be submitted."""

    NONE = "none", pgettext_lazy("photo people", "No identifiable people")
    CONSENTED = "consented", pgettext_lazy("photo people", "Identifiable people, consent on file")
