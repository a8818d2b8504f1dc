"""The contest of ideas ("30 ideas"): a district's contest of the year with its rules, the
residents' ideas with moderation, the jury's scores on the contest's criteria and the
public's votes verified by a code sent by SMS.

The tables were the projects app's before ideas became an app of its own; they keep their
names (`db_table`), so that moving the models lost no row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pervichka.core.i18n import TranslatedNameMixin
from pervichka.core.scoping import ScopedQuerySet
from pervichka.ideas.enums import IdeaStatus


class Contest(models.Model):
    """The ideas contest of a district in a year, with its rules and the shortlist formula."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="contests",
        verbose_name=_("project"),
    )
    district = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="contests",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    submit_until = models.DateField(_("ideas accepted until"))
    vote_until = models.DateField(_("voting open until"))
    jury_share = models.DecimalField(
        _("share of the jury in the combined score"), max_digits=3, decimal_places=2, default=0.7
    )
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=30)

    scope_path = "district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "projects_contest"
        verbose_name = _("ideas contest")
        verbose_name_plural = _("ideas contests")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="contest_district_year"),
            models.CheckConstraint(
                condition=Q(jury_share__gte=0) & Q(jury_share__lte=1), name="contest_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year} — {self.district}"


class JuryCriterion(TranslatedNameMixin, models.Model):
    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("contest")
    )
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)

    scope_path = "contest__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "projects_jurycriterion"
        verbose_name = _("jury criterion")
        verbose_name_plural = _("jury criteria")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_pos"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_pos"),
        ]

    def __str__(self) -> str:
        return self.display_name


class Idea(models.Model):
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("contest")
    )
    # The primary of the idea's village when there is one (it counts for the primary's
    # rating), else the district.
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("organization"),
    )
    settlement = models.ForeignKey(
        "orgs.Settlement", on_delete=models.PROTECT, related_name="+", verbose_name=_("settlement")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("the idea"))
    author = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="ideas", verbose_name=_("author")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    code = models.CharField(_("idea code"), max_length=12, unique=True)
    # The language the author wrote in: the SMS about the decision speaks it.
    language = models.CharField(max_length=2, default="ru")
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Kept on the row, counted by the vote that is inserted: the public list sorts by it.
    votes_count = models.PositiveIntegerField(_("votes"), default=0)

    history = HistoricalRecords(
        excluded_fields=["votes_count"], table_name="projects_historicalidea"
    )

    scope_path = "contest__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "projects_idea"
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["contest", "status"], name="idea_contest_status")]

    def __str__(self) -> str:
        return self.title


class JuryScore(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(JuryCriterion, on_delete=models.PROTECT, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    scored_at = models.DateTimeField(auto_now=True)

    scope_path = "idea__contest__district__path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "projects_juryscore"
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")
        constraints = [
            models.UniqueConstraint(fields=["idea", "criterion", "juror"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}/{self.criterion_id}: {self.score}"


class Vote(models.Model):
    """One verified vote. The voter is kept only as a keyed hash of the phone number: enough
    to refuse a second vote, nothing to learn who voted."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    voted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "projects_vote"
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["idea", "voter"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.voter[:8]}"


class VoteChallenge(models.Model):
    """A code sent by SMS to confirm a vote; it expires and allows few attempts."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    voter = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    token = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "projects_votechallenge"
        indexes = [models.Index(fields=["voter", "created_at"], name="challenge_voter_time")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.voter[:8]}"
