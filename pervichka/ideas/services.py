"""Writes of the ideas contest: a district's contest of the year, the residents' ideas from
the portal (one per idempotency key), moderation with an SMS to the author, the jury's
scores, and votes confirmed by a code sent by SMS. Each function is one transaction and
checks the actor's scope (outside it is missing, as everywhere)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pervichka.core import siteurl
from pervichka.core.codes import random_code
from pervichka.core.history import save_as
from pervichka.core.idempotency import ensure_same_submission
from pervichka.core.notify import send_sms
from pervichka.core.phones import is_kz_mobile, normalize_phone
from pervichka.core.ratelimit import hit
from pervichka.core.roles import Perm
from pervichka.core.services import notification_queue
from pervichka.ideas.enums import IDEA_FLOW, IdeaStatus
from pervichka.ideas.models import Contest, Idea, JuryCriterion, JuryScore, Vote, VoteChallenge
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.people.enums import ConsentPurpose
from pervichka.people.services import PersonData, person_find_or_create
from pervichka.projects.enums import IDEAS30
from pervichka.projects.selectors import catalog_project
from pervichka.projects.services import require

VOTE_CODE_TTL = dt.timedelta(minutes=10)
VOTE_CODE_ATTEMPTS = 5
VOTE_CODES_PER_PHONE_PER_HOUR = 3
DEFAULT_CRITERIA = [
    # ru, kk, en, weight
    ("Новизна", "Жаңалығы", "Novelty", Decimal("0.3")),
    ("Польза для жителей", "Тұрғындарға пайдасы", "Benefit to residents", Decimal("0.4")),
    ("Реализуемость", "Жүзеге асырылуы", "Feasibility", Decimal("0.3")),
]


def contest_for(district: OrgUnit, year: int) -> Contest:
    """The district's contest of the year, created with the default rules when first needed."""
    contest = Contest.objects.filter(district=district, year=year).first()
    if contest is not None:
        return contest
    project = catalog_project(IDEAS30)
    try:
        with transaction.atomic():
            contest = Contest.objects.create(
                project=project,
                district=district,
                year=year,
                submit_until=dt.date(year, 12, 31),
                vote_until=dt.date(year, 12, 31),
            )
            for ru, kk, en, weight in DEFAULT_CRITERIA:
                JuryCriterion.objects.create(
                    contest=contest, name=ru, name_kk=kk, name_en=en, weight=weight
                )
    except IntegrityError:
        contest = Contest.objects.get(district=district, year=year)
    return contest


def new_idea_code() -> str:
    return random_code(10)


def _unit_for_settlement(settlement: Settlement) -> OrgUnit:
    primary = (
        OrgUnit.objects.filter(
            kind=OrgKind.PRIMARY,
            settlement=settlement,
            is_active=True,
            path__startswith=settlement.district.path,  # the district's subtree
        )
        .order_by("path")
        .first()
    )
    return primary or settlement.district


def idea_submit_public(
    *,
    settlement: Settlement,
    data: PersonData,
    title: str,
    text: str,
    idempotency_key: str,
    today: dt.date | None = None,
) -> tuple[Idea, bool]:
    """A citizen's idea from the portal: exactly one per idempotency key, like appeals."""
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    existing = Idea.objects.filter(idempotency_key=key).first()
    if existing is not None:
        idea_ensure_same(existing, settlement=settlement, title=title, text=text)
        return existing, False
    errors: dict[str, str] = {}
    if not 5 <= len((title or "").strip()) <= 200:
        errors["title"] = _("Give the idea a title of 5 to 200 characters.")
    if len((text or "").strip()) < 30:
        errors["text"] = _("Describe the idea in at least 30 characters.")
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    district = settlement.district
    contest = contest_for(district, today.year)
    if today > contest.submit_until:
        raise ValidationError(
            _("Ideas for the %(year)d contest were accepted until %(date)s.")
            % {"year": contest.year, "date": contest.submit_until.strftime("%d.%m.%Y")}
        )
    try:
        with transaction.atomic():
            person = person_find_or_create(
                actor=None,
                unit=district,
                data=data,
                public=True,
                consent_purpose=ConsentPurpose.IDEAS,
            )
            idea = Idea.objects.create(
                contest=contest,
                unit=_unit_for_settlement(settlement),
                settlement=settlement,
                title=title.strip(),
                text=text.strip(),
                author=person,
                code=new_idea_code(),
                idempotency_key=key,
                language=(translation.get_language() or "ru")[:2],
            )
    except IntegrityError:
        existing = Idea.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        idea_ensure_same(existing, settlement=settlement, title=title, text=text)
        return existing, False
    return idea, True


def idea_ensure_same(existing: Idea, *, settlement, title: str, text: str) -> None:
    """A retry under a used key re-sends the same idea; anything else is refused with
    IdempotencyConflict instead of being answered with another citizen's idea."""
    ensure_same_submission(
        {"settlement_id": existing.settlement_id, "title": existing.title, "text": existing.text},
        {"settlement_id": getattr(settlement, "pk", settlement), "title": title, "text": text},
    )


@transaction.atomic
def idea_moderate(
    *, actor, idea: Idea, to: str, reason: str = "", merge_into: Idea | None = None
) -> Idea:
    require(actor, Perm.PROJECTS_ADMIN, idea.contest.district.path)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if to not in IdeaStatus.values or to not in IDEA_FLOW[IdeaStatus(idea.status)]:
        raise ValidationError(
            _("An idea that is «%(status)s» cannot become «%(to)s».")
            % {
                "status": idea.get_status_display(),
                "to": IdeaStatus(to).label if to in IdeaStatus.values else to,
            }
        )
    reason = (reason or "").strip()
    if to == IdeaStatus.REJECTED and not reason:
        raise ValidationError({"reason": _("Tell the author why the idea is rejected.")})
    if to == IdeaStatus.MERGED:
        if merge_into is not None:
            merge_into = Idea.objects.filter(pk=merge_into.pk).first()
        if (
            merge_into is None
            or merge_into.pk == idea.pk
            or merge_into.contest_id != idea.contest_id
            or merge_into.status != IdeaStatus.PUBLISHED
        ):
            raise ValidationError(
                {"merge_into": _("Choose another published idea of the same contest.")}
            )
        idea.merged_into = merge_into
    idea.status = to
    idea.status_reason = reason
    idea.moderated_by, idea.moderated_at = actor, timezone.now()
    save_as(idea, actor)
    _tell_author(idea)
    return idea


def _tell_author(idea: Idea) -> None:
    """An SMS to the author after the decision (sent after commit, retried by the outbox)."""
    link = siteurl.absolute(reverse("public:idea", args=[idea.code]))
    texts = {
        IdeaStatus.PUBLISHED: gettext_lazy("Your idea «%(title)s» is published; vote here: "),
        IdeaStatus.REJECTED: gettext_lazy("Your idea «%(title)s» was not accepted; see why: "),
        IdeaStatus.MERGED: gettext_lazy("Your idea «%(title)s» was merged with a similar one: "),
    }
    if idea.status not in texts:
        return
    with translation.override(idea.language):
        body = str(texts[IdeaStatus(idea.status)]) % {"title": idea.title[:60]} + link
    notification_queue(
        channel="sms",
        to=idea.author.phone,
        body=body,
        kind="idea_status",
        ref=f"idea:{idea.pk}",
        dedupe_key=f"idea:{idea.pk}:{idea.status}:{idea.moderated_at:%Y%m%d%H%M%S}",
    )


@transaction.atomic
def jury_score(*, actor, idea: Idea, scores: dict[int, int]) -> list[JuryScore]:
    """A juror's scores of one published idea on the contest's criteria (re-scoring replaces)."""
    require(actor, Perm.IDEAS_JURY, idea.contest.district.path)
    if idea.status != IdeaStatus.PUBLISHED:
        raise ValidationError(_("The jury scores published ideas only."))
    criteria = {c.pk: c for c in idea.contest.criteria.all()}
    if set(scores) != set(criteria):
        raise ValidationError(_("Score the idea on every criterion."))
    result = []
    for criterion_id, score in scores.items():
        criterion = criteria[criterion_id]
        if score is None or not 0 <= int(score) <= criterion.max_score:
            raise ValidationError(
                _("A score on «%(criterion)s» is from 0 to %(max)d.")
                % {"criterion": criterion, "max": criterion.max_score}
            )
        row, _created = JuryScore.objects.update_or_create(
            idea=idea, criterion=criterion, juror=actor, defaults={"score": int(score)}
        )
        result.append(row)
    return result


def voter_key(phone: str) -> str:
    """A keyed hash of the phone number: the same person always gives the same key."""
    secret = (getattr(settings, "PERVICHKA_VOTE_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(secret, f"vote:{phone}".encode(), hashlib.sha256).hexdigest()


def _code_hash(token: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{token}:{code}".encode(), "sha256").hexdigest()


def voting_open(idea: Idea, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return idea.status == IdeaStatus.PUBLISHED and today <= idea.contest.vote_until


def vote_request_code(*, idea: Idea, phone: str) -> VoteChallenge:
    """Send a one-time code to the phone; the vote counts when the code comes back."""
    if not voting_open(idea):
        raise ValidationError(_("Voting for this idea is closed."))
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if not phone:
        raise ValidationError({"phone": _("Enter your mobile number.")})
    if not is_kz_mobile(phone):
        # Codes to any country would let one person vote with foreign numbers at our SMS cost.
        raise ValidationError(
            {"phone": _("Votes are confirmed by SMS to Kazakhstan mobile numbers only.")}
        )
    voter = voter_key(phone)
    if Vote.objects.filter(idea=idea, voter=voter).exists():
        raise ValidationError({"phone": _("A vote from this phone number is already counted.")})
    if not hit("vote-code-phone", voter, limit=VOTE_CODES_PER_PHONE_PER_HOUR, window_seconds=3600):
        raise ValidationError(
            {"phone": _("Too many codes were sent to this number. Try again in an hour.")}
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    token = secrets.token_urlsafe(24)
    challenge = VoteChallenge.objects.create(
        idea=idea,
        voter=voter,
        code_hash=_code_hash(token, code),
        token=token,
        expires_at=timezone.now() + VOTE_CODE_TTL,
    )
    try:
        # Sent at once, not through the outbox: a code is useless an hour late, and the
        # outbox would keep it in clear text.
        send_sms(
            phone,
            _("Code %(code)s: your vote for the idea «%(title)s». Valid 10 minutes.")
            % {"code": code, "title": idea.title[:60]},
        )
    except Exception as exc:  # the gateway is outside; say so plainly
        challenge.delete()
        raise ValidationError(
            _("The SMS could not be sent just now. Please try again in a few minutes.")
        ) from exc
    return challenge


def vote_confirm(*, token: str, code: str) -> Vote:
    """Count the vote when the code is right; a second vote from the same phone is refused."""
    with transaction.atomic():
        challenge = (
            VoteChallenge.objects.select_for_update()
            .select_related("idea__contest")
            .filter(token=token or "")
            .first()
        )
        if challenge is None or challenge.confirmed_at is not None:
            raise ValidationError(_("This code request is not valid any more. Ask for a new code."))
        if timezone.now() > challenge.expires_at:
            raise ValidationError(_("The code has expired. Ask for a new one."))
        if challenge.attempts >= VOTE_CODE_ATTEMPTS:
            raise ValidationError(_("Too many wrong codes. Ask for a new one."))
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
        right = hmac.compare_digest(
            challenge.code_hash, _code_hash(challenge.token, (code or "").strip())
        )
    if not right:
        raise ValidationError({"code": _("The code is not right. Check the SMS and try again.")})
    idea = challenge.idea
    if not voting_open(idea):
        raise ValidationError(_("Voting for this idea is closed."))
    try:
        with transaction.atomic():
            vote = Vote.objects.create(idea=idea, voter=challenge.voter)
            Idea.objects.filter(pk=idea.pk).update(votes_count=F("votes_count") + 1)
            VoteChallenge.objects.filter(pk=challenge.pk).update(confirmed_at=timezone.now())
    except IntegrityError as exc:
        raise ValidationError(_("A vote from this phone number is already counted.")) from exc
    return vote
