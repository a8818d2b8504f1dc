from django.db import models
from django.utils.translation import pgettext_lazy


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", pgettext_lazy("enrolment status", "studying")
    COMPLETED = "completed", pgettext_lazy("enrolment status", "completed")
    FAILED = "failed", pgettext_lazy("enrolment status", "did not pass")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "withdrew")
