from django.db import models
from django.utils.translation import pgettext_lazy


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("idea status", "submitted, awaiting moderation")
    PUBLISHED = "published", pgettext_lazy("idea status", "published")
    REJECTED = "rejected", pgettext_lazy("idea status", "rejected")
    MERGED = "merged", pgettext_lazy("idea status", "merged into another idea")


# Which statuses moderation may move an idea to, from each.
IDEA_FLOW = {
    IdeaStatus.SUBMITTED: {IdeaStatus.PUBLISHED, IdeaStatus.REJECTED, IdeaStatus.MERGED},
    IdeaStatus.PUBLISHED: {IdeaStatus.REJECTED, IdeaStatus.MERGED},
    IdeaStatus.REJECTED: {IdeaStatus.PUBLISHED},
    IdeaStatus.MERGED: set(),
}
