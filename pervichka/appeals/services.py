"""Writes to appeals. One transaction each; every transition records who, when and why.

Deadlines are computed in Kazakhstan working days (core.calendar) with the district's
numbers (AppealRules). Messages to the citizen and to the assignee are stored in the
notification outbox in the same transaction and sent after commit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pervichka.appeals import numbering, throttle
from pervichka.appeals.district_cache import district_changed, district_intake
from pervichka.appeals.enums import (
    DEFAULT_CATEGORIES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Channel,
    Outcome,
    Satisfaction,
    SatisfactionSource,
)
from pervichka.appeals.models import (
    Appeal,
    AppealEvent,
    AppealRules,
    Attachment,
    BotAppeal,
    Category,
    FieldReception,
    ReceptionOffice,
    RegistrationCounter,
)
from pervichka.appeals.searching import fill_search_keys
from pervichka.core import siteurl
from pervichka.core.bulk import from_row, history_copy_sql, insert_values_sql, select_columns
from pervichka.core.calendar import add_months, calendar
from pervichka.core.freshness import bump as freshness_bump
from pervichka.core.history import save_as
from pervichka.core.idempotency import IdempotencyConflict, ensure_same_submission
from pervichka.core.models import Notification
from pervichka.core.phones import normalize_phone
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.services import notification_queue
from pervichka.core.tasks import task_notification_send
from pervichka.core.uploads import validate_upload
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.orgs.selectors import district_of
from pervichka.people.enums import ConsentMethod, ConsentPurpose
from pervichka.people.models import Person
from pervichka.people.selectors import telegram_chat_reachable
from pervichka.people.services import (
    PersonData,
    person_find_or_create,
    person_lookup,
    records_transfer_requests,
)

# Crockford's base32 without the letters people confuse (I, L, O, U): 60 random bits.
SIMILARITY_THRESHOLD = 0.6


def _require(actor, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


# --- set-up of a district ----------------------------------------------------------------


def rules_for(district) -> AppealRules:
    """The district's stored rules, or the law's defaults (unsaved) when it has set none.

    A read: the row is created only where an administrator saves the rules (the admin).
    """
    rules = AppealRules.objects.filter(district=district).first()
    return rules if rules is not None else AppealRules(district=district)


def categories_ensure(*, district) -> list[Category]:
    """The standard categories for a district that has none yet; it may edit them later."""
    if not Category.objects.filter(district=district).exists():
        Category.objects.bulk_create(
            Category(district=district, code=code, name=ru, name_kk=kk, name_en=en, order=index)
            for index, (code, ru, kk, en) in enumerate(DEFAULT_CATEGORIES)
        )
        district_changed(district.pk)  # bulk_create sends no signal
    return list(Category.objects.filter(district=district))


def _district_of(unit):
    """The district branch a unit belongs to; appeals have no branch above a district."""
    district = district_of(unit)
    if district is None:
        raise ValidationError(_("Appeals are registered by a district branch."))
    return district


# --- numbers and codes -------------------------------------------------------------------


def _next_number(district, year: int) -> str:
    """AKZ-2026-000123: per branch and year, without gaps, safe under concurrent intake.

    One statement takes the next number and locks the counter's row until the transaction
    ends, so two intakes at once get two numbers and a rolled-back one leaves no gap."""
    table = RegistrationCounter._meta.db_table
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET "last" = "last" + 1 WHERE "unit_id" = %s AND "year" = %s '
                'RETURNING "last"',
                [district.pk, year],
            )
            row = cursor.fetchone()
        if row is not None:
            return numbering.registration_number(
                code=district.code, district_id=district.pk, year=year, sequence=row[0]
            )
        RegistrationCounter.objects.get_or_create(unit=district, year=year)
    raise RuntimeError("the registration counter could not be created")


def category_for_public(*, district, code: str) -> Category:
    """The district's category with this code (the public form's choice), else "other".
    Read from the district's cached categories (`district_cache`)."""
    return _public_intake(district, code)[1]


def _public_intake(district, code: str) -> tuple[AppealRules, Category]:
    """The district's rules and the category for the public form's choice: one read of
    the district's cache serves both (the submission reads it once, not twice)."""
    rules, found = district_intake(district)
    if not found:
        found = {c.code: c for c in categories_ensure(district=district)}
    return rules, found.get(code) or found["other"]


def new_tracking_code() -> str:
    return numbering.tracking_code()


def normalize_tracking_code(text: str) -> str:
    """What a citizen types, read kindly: spaces and dashes dropped, O as 0, I and L as 1."""
    code = re.sub(r"[\s\-]", "", text or "").upper()
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))


# --- similarity --------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) >= 3}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the words of two texts (0..1)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def appeals_similar(
    *,
    district,
    text: str,
    person: Person | None = None,
    settlement=None,
    days: int = 90,
    limit: int = 5,
) -> list[tuple[Appeal, float]]:
    """Recent appeals of the district that say nearly the same: shown before saving."""
    since = timezone.now() - dt.timedelta(days=days)
    candidates = Appeal.objects.filter(district=district, received_at__gte=since)
    filters = []
    if person is not None and person.pk:
        filters.append(candidates.filter(person=person))
    if settlement is not None:
        filters.append(candidates.filter(settlement=settlement))
    if not filters:
        filters.append(candidates)
    seen: dict[int, tuple[Appeal, float]] = {}
    for queryset in filters:
        for appeal in queryset.order_by("-received_at")[:300]:
            score = similarity(text, appeal.text)
            if score >= SIMILARITY_THRESHOLD:
                seen[appeal.pk] = (appeal, score)
    return sorted(seen.values(), key=lambda item: -item[1])[:limit]


# --- notifications -----------------------------------------------------------------------


def tracking_url(appeal: Appeal) -> str:
    """The citizen's tracking page, as a full address for an SMS or an API client."""
    return siteurl.absolute(reverse("public:track_code", kwargs={"code": appeal.tracking_code}))


def _citizen_notices(appeal: Appeal, kind: str, message: str) -> list[dict]:
    """The messages to the citizen (an SMS and an e-mail, each where there is an address),
    as the fields of `notification_queue`; `ref` names the appeal by its id."""
    ref = f"appeal:{appeal.pk}"
    text = f"{message} {tracking_url(appeal)}"
    notices = [
        {"channel": "sms", "to": appeal.contact_phone, "body": text, "kind": kind, "ref": ref},
        {
            "channel": "email",
            "to": appeal.contact_email,
            "body": text,
            "kind": kind,
            "ref": ref,
            "subject": _("Your appeal %(number)s") % {"number": appeal.number},
        },
    ]
    return [notice for notice in notices if notice["to"]]


def _citizen_message(appeal: Appeal, kind: str) -> None:
    for notice in _citizen_message_notices(appeal, kind):
        notification_queue(**notice)


def _citizen_message_notices(appeal: Appeal, kind: str) -> list[dict]:
    """What `_citizen_message` queues, in the appeal's language (nothing for a kind that
    tells the citizen nothing)."""
    with translation.override(appeal.language):
        if kind == "registered":
            message = _(
                "Your appeal is registered as %(number)s, code %(code)s. The answer is "
                "due by %(due)s."
            )
        elif kind == "extended":
            message = _("The term of your appeal %(number)s is extended to %(due)s.")
        elif kind == "redirected":
            message = _("Your appeal %(number)s is outside our competence and was sent to: %(to)s.")
        elif kind == "answered" and appeal.answer_published:
            message = _("There is an answer to your appeal %(number)s.")
        elif kind == "answered":
            # The tracking page will not show it: do not send the citizen there to read it.
            message = _(
                "The answer to your appeal %(number)s was sent to you by letter or given to "
                "you in person."
            )
        else:
            return []
        return _citizen_notices(
            appeal,
            f"citizen_{kind}",
            message
            % {
                "number": appeal.number,
                "code": appeal.tracking_code_display,
                "due": appeal.due_date.strftime("%d.%m.%Y"),
                "to": appeal.redirected_to,
            },
        )


# What the bot tells the chat an appeal came from, per action; the answer itself follows.
BOT_STATUS_MESSAGES = {
    Action.ASSIGN: gettext_lazy("Your appeal %(number)s was given to %(unit)s."),
    Action.START: gettext_lazy("Your appeal %(number)s was taken into work."),
    Action.EXTEND: gettext_lazy("The term of your appeal %(number)s is extended to %(due)s."),
    Action.REDIRECT: gettext_lazy(
        "Your appeal %(number)s is outside our competence and was sent to: %(to)s."
    ),
    Action.ANSWER: gettext_lazy("There is an answer to your appeal %(number)s:"),
    Action.RETURN: gettext_lazy("The answer to your appeal %(number)s was returned for rework."),
    Action.CLOSE: gettext_lazy("Your appeal %(number)s is closed."),
    Action.REOPEN: gettext_lazy("Your appeal %(number)s was reopened."),
}
BOT_RATE_CHOICES = (
    (Satisfaction.SATISFIED, "👍"),
    (Satisfaction.PARTLY, "🤔"),
    (Satisfaction.NOT_SATISFIED, "👎"),
)


def _tell_bot_chat(appeal: Appeal, action: str) -> None:
    """A status change of an appeal written in the bot goes back to its chat through the
    outbox (sent after commit, never inside this transaction), unless the chat stopped."""
    message = BOT_STATUS_MESSAGES.get(action)
    link = BotAppeal.objects.filter(appeal_id=appeal.pk).values_list("chat_id", flat=True).first()
    if message is None or link is None or not telegram_chat_reachable(link):
        return
    markup = ""
    with translation.override(appeal.language):
        text = str(message) % {
            "number": appeal.number,
            "unit": appeal.unit,
            "due": appeal.due_date.strftime("%d.%m.%Y"),
            "to": appeal.redirected_to,
        }
        if action == Action.ANSWER:
            if appeal.answer_published:
                text += "\n\n" + appeal.answer_text[:3500]
            else:
                text = str(
                    _(
                        "The answer to your appeal %(number)s was sent to you by letter or "
                        "given to you in person."
                    )
                ) % {"number": appeal.number}
            text += "\n\n" + str(_("Are you satisfied with the answer?"))
            markup = json.dumps(
                {
                    "inline_keyboard": [
                        [
                            {"text": label, "callback_data": f"rate:{appeal.pk}:{value}"}
                            for value, label in BOT_RATE_CHOICES
                        ]
                    ]
                },
                ensure_ascii=False,
            )
    notification_queue(
        channel="telegram",
        to=str(link),
        body=text,
        kind=f"bot_{action}",
        ref=f"appeal:{appeal.pk}",
        subject=markup,
    )


def _tell_assignee(appeal: Appeal, kind: str, message: str, dedupe_key: str | None = None) -> None:
    ref = f"appeal:{appeal.pk}"
    user = appeal.assigned_user
    if user is not None and user.email:
        notification_queue(
            channel="email",
            to=user.email,
            body=message,
            kind=kind,
            ref=ref,
            subject=message[:120],
            dedupe_key=f"{dedupe_key}:email" if dedupe_key else None,
        )
    person = appeal.assigned_person
    if person is not None and person.phone:
        notification_queue(
            channel="sms",
            to=person.phone,
            body=message,
            kind=kind,
            ref=ref,
            dedupe_key=f"{dedupe_key}:sms" if dedupe_key else None,
        )


# --- registration ------------------------------------------------------------------------


@dataclass
class Intake:
    """What the citizen brings, from a form, the API or the public page."""

    channel: str
    category: Category
    text: str
    settlement: object | None = None
    reception_office: ReceptionOffice | None = None
    field_reception: FieldReception | None = None
    received_at: dt.datetime | None = None
    contact_phone: str = ""
    contact_email: str = ""
    language: str = "ru"


def _validate_intake(district, intake: Intake) -> None:
    errors: dict[str, str] = {}
    if intake.channel not in Channel.values:
        errors["channel"] = _("Choose the channel.")
    if intake.category is None or intake.category.district_id != district.pk:
        errors["category"] = _("Choose a category of this district.")
    if not (intake.text or "").strip():
        errors["text"] = _("Write what the appeal is about.")
    if intake.settlement is not None and intake.settlement.district_id != district.pk:
        errors["settlement"] = _("This village is not in the district.")
    if intake.channel == Channel.WALK_IN and intake.reception_office is None:
        errors["reception_office"] = _("Choose the reception office.")
    if intake.channel == Channel.FIELD and intake.field_reception is None:
        errors["field_reception"] = _("Choose the field reception.")
    if (
        intake.reception_office is not None
        and not intake.reception_office.unit.path.startswith(district.path)
        and not district.path.startswith(intake.reception_office.unit.path)
    ):
        errors["reception_office"] = _("This reception office is not the district's.")
    if intake.field_reception is not None and not intake.field_reception.unit.path.startswith(
        district.path
    ):
        errors["field_reception"] = _("This field reception is not the district's.")
    if intake.received_at is not None and intake.received_at > timezone.now() + dt.timedelta(
        minutes=5
    ):
        errors["received_at"] = _("The date of receipt cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _register(
    *,
    actor,
    district,
    data: PersonData,
    intake: Intake,
    public: bool,
    idempotency_key: str | None,
    rules: AppealRules | None = None,
) -> Appeal:
    _validate_intake(district, intake)
    if rules is None:
        rules, _categories = district_intake(district)
    person = person_find_or_create(
        actor=actor,
        unit=district,
        data=data,
        public=public,
        purpose=_("appeal"),
        consent_purpose=ConsentPurpose.APPEALS,
    )
    received_at = intake.received_at or timezone.now()
    received = timezone.localtime(received_at).date()
    cal = calendar()
    due = cal.add_working_days(received, rules.answer_working_days)
    try:
        # The phone the citizen gave now, even where the registry's record keeps another.
        contact_phone = normalize_phone(intake.contact_phone or data.phone or person.phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    appeal = Appeal(
        tracking_code=new_tracking_code(),
        district=district,
        unit=district,
        channel=intake.channel,
        reception_office=intake.reception_office,
        field_reception=intake.field_reception,
        person=person,
        contact_phone=contact_phone,
        contact_email=intake.contact_email or data.email or person.email,
        language=intake.language,
        category=intake.category,
        settlement=intake.settlement or person.settlement,
        text=intake.text.strip(),
        received_at=received_at,
        due_date=due,
        original_due_date=due,
        redirect_due_date=cal.add_working_days(received, rules.redirect_working_days),
        idempotency_key=idempotency_key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    since = received_at - dt.timedelta(days=rules.repeat_window_days)
    # One indexed query (appeal_person_cat); a person made just now has no appeals yet.
    appeal.repeat_of = (
        None
        if getattr(person, "created_now", False)
        else Appeal.objects.filter(
            person=person,
            category=intake.category,
            received_at__gte=since,
            received_at__lte=received_at,
        )
        .order_by("-received_at")
        .first()
    )
    # Fields and choices are checked here; the references were checked above and the unique
    # columns are the database's to guard (a query each would only repeat it).
    appeal.full_clean(
        exclude=[
            "idempotency_key",
            "tracking_code",
            "number",
            "district",
            "unit",
            "person",
            "category",
            "settlement",
            "reception_office",
            "field_reception",
            "repeat_of",
            "created_by",
            "assigned_person",
            "assigned_user",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    # The number last: the counter's row lock is then held only for the inserts and commit.
    appeal.number = _next_number(district, received.year)
    appeal.search_text = f"{appeal.number} {appeal.text}".lower()
    fill_search_keys(appeal)
    _save_registered(
        appeal,
        actor=actor,
        by_citizen=public,
        details={"channel": intake.channel, "repeat_of": appeal.repeat_of_id},
    )
    return appeal


def _save_registered(appeal: Appeal, *, actor, by_citizen: bool, details: dict) -> None:
    """Insert a new appeal, its history version, its REGISTER event and the citizen's
    "registered" messages in the outbox (sent after the commit).

    On PostgreSQL all of it is one statement (data-modifying CTEs): the history version is
    copied by the database from the inserted row (`core.bulk.history_copy_sql`), the event
    and the messages take the appeal's id from it. The rows are those the ORM path writes
    (tests/appeals/test_submission_rows.py compares them column by column); no model signal
    is sent, so the write counter is moved on here (`core.freshness`). Elsewhere (SQLite,
    which has no such CTE) the ORM writes them one by one."""
    if connection.vendor != "postgresql":
        _save_registered_by_orm(appeal, actor=actor, by_citizen=by_citizen, details=details)
        return
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AppealEvent(
        appeal=appeal,
        action=Action.REGISTER,
        from_status="",
        to_status=appeal.status,
        actor=user,
        by_citizen=by_citizen,
        at=timezone.now(),
        reason="",
        details=details,
    )
    # The messages' `ref` names the appeal by the id the insert gives it.
    notices = [
        Notification(**{**notice, "subject": notice.get("subject", "")[:255]})
        for notice in _citizen_message_notices(appeal, "registered")
    ]
    appeal_id = '"a"."id"'
    a_cols, a_vals, a_params = insert_values_sql(appeal)
    h_sql, h_params = history_copy_sql(Appeal, user=user, source="a")
    e_cols, e_vals, e_params = insert_values_sql(event, sql_of={"appeal_id": appeal_id})
    ctes = [
        f'"a" AS (INSERT INTO "{Appeal._meta.db_table}" {a_cols} VALUES ({a_vals}) RETURNING *)',
        f'"h" AS ({h_sql})',
        f'"e" AS (INSERT INTO "{AppealEvent._meta.db_table}" {e_cols} SELECT {e_vals} '
        'FROM "a" RETURNING "id")',
    ]
    params = [*a_params, *h_params, *e_params]
    for index, notice in enumerate(notices):
        n_cols, n_vals, n_params = insert_values_sql(
            notice, sql_of={"ref": f"'appeal:' || {appeal_id}::text"}
        )
        ctes.append(
            f'"n{index}" AS (INSERT INTO "{Notification._meta.db_table}" {n_cols} '
            f'SELECT {n_vals} FROM "a" RETURNING "id")'
        )
        params += n_params
    returned = ", ".join(['"a"."id"', '"e"."id"', *(f'"n{i}"."id"' for i in range(len(notices)))])
    sources = ", ".join(['"a"', '"e"', *(f'"n{i}"' for i in range(len(notices)))])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT {returned} FROM {sources}", params)
        appeal.pk, event.pk, *notice_ids = cursor.fetchone()
    for obj in (appeal, event, *notices):
        obj._state.adding = False
        obj._state.db = connection.alias
    freshness_bump()
    for notice, notice_id in zip(notices, notice_ids, strict=True):
        notice.pk, notice.ref = notice_id, f"appeal:{appeal.pk}"
        # As `notification_queue` does: sent after the commit, by the periodic retry when
        # the broker is away.
        transaction.on_commit(
            lambda pk=notice_id: task_notification_send.delay(notification_id=pk), robust=True
        )


def _save_registered_by_orm(appeal: Appeal, *, actor, by_citizen: bool, details: dict) -> None:
    """`_save_registered`'s rows written by the ORM, one statement each."""
    save_as(appeal, actor)
    _event(appeal, Action.REGISTER, "", actor=actor, by_citizen=by_citizen, details=details)
    _citizen_message(appeal, "registered")


def _event(
    appeal: Appeal,
    action: str,
    from_status: str,
    *,
    actor,
    reason: str = "",
    details: dict | None = None,
    by_citizen: bool = False,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        action=action,
        from_status=from_status,
        to_status=appeal.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        by_citizen=by_citizen,
        at=timezone.now(),
        reason=reason,
        details=details or {},
    )


@records_transfer_requests
@transaction.atomic
def appeal_register(
    *, actor, district, data: PersonData, intake: Intake, confirm_duplicate: bool = False
) -> Appeal:
    """Register an appeal brought to the branch (walk-in, field reception, phone, letter...).

    A likely duplicate (nearly the same text, same person or village, last 90 days) stops the
    registration until the operator confirms it is a new appeal.
    """
    _require(actor, Perm.APPEALS_MANAGE, district.path)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError(_("Appeals are registered by a district branch."))
    if not confirm_duplicate:
        existing = None
        if data.iin:
            # Only a person the operator may see: the check must not reveal one kept elsewhere.
            existing = person_lookup(actor=actor, iin=data.iin)
        similar = appeals_similar(
            district=district, text=intake.text, person=existing, settlement=intake.settlement
        )
        if similar:
            raise DuplicateSuspected(similar)
    return _register(
        actor=actor, district=district, data=data, intake=intake, public=False, idempotency_key=None
    )


class DuplicateSuspected(ValidationError):
    def __init__(self, similar: list[tuple[Appeal, float]]):
        self.similar = similar
        super().__init__(
            _(
                "A very similar appeal was registered recently: %(numbers)s. Check it; if this "
                "is a new appeal, confirm and save again."
            )
            % {"numbers": ", ".join(a.number for a, _s in similar)},
            code="duplicate",
        )


# The public form takes a few photos or scans; the staff's intake takes office documents too.
PUBLIC_MAX_FILES = 3
PUBLIC_FILE_TYPES = (".jpg", ".jpeg", ".png", ".pdf")


@dataclass
class PublicAppeal:
    """What a citizen sends from the portal's form or the public API, parsed: the village
    (one of `selectors.settlements_public()`), the category's code, the text, who they are
    (the person's data without consent) and whether they consent."""

    settlement: object
    category: str
    text: str
    person: PersonData
    consent: bool


@dataclass
class PublicSubmission:
    """The answer to a public submission: the appeal (the first one when the key was used
    before), whether this request made it, and `bot` when the honeypot was filled (nothing
    is stored, and nothing is said that a bot could learn from)."""

    appeal: Appeal | None
    created: bool = False
    bot: bool = False

    @property
    def tracking_url(self) -> str:
        return tracking_url(self.appeal) if self.appeal is not None else ""


def appeal_submit_public(
    *,
    data: PublicAppeal | None,
    files: list,
    client_ip: str,
    idempotency_key: str,
    honeypot: str = "",
    language: str = "ru",
    channel: str = Channel.WEB,
    key_read: tuple[Appeal | None] | None = None,
) -> PublicSubmission:
    """A citizen's appeal from the web form or the public API: every check of both in one
    place, in this order.

    1. A key used before returns the first appeal (a double click, a retry).
    2. A filled honeypot is a bot: nothing is stored.
    3. Every attempt counts against a cap five times the hourly limit (throttle.Throttled).
    4. `data` None means the request did not parse (the caller shows its own field errors);
       it counted as an attempt and stops here.
    5. Consent, the file rules, then routing: village → district → the district's category.
    6. One transaction makes the appeal; a valid submission over the hourly limit
       (PERVICHKA_PUBLIC_RATE_PER_HOUR) is rolled back, so nothing stays and no number
       is used up.

    `channel` is the web's unless the Telegram bot submits (its `client_ip` is the chat).
    `key_read`: the caller read the key's appeal already, in the statement that read the
    village (`public_submission_read`): `(appeal or None,)`, and it is not read again.
    """
    key = (idempotency_key or "").strip()
    if key_read is not None:
        (existing,) = key_read
    else:
        existing = _appeal_by_key(key) if key else None
    if existing is not None:
        _ensure_same_appeal(existing, data)
        return PublicSubmission(existing)
    if honeypot:
        return PublicSubmission(None, bot=True)
    if not throttle.attempt_allowed(client_ip):
        raise throttle.Throttled(throttle.too_many_attempts())
    if data is None:
        return PublicSubmission(None)
    if not data.consent:
        raise ValidationError({"consent": _("Without your consent we cannot register the appeal.")})
    if len(files) > PUBLIC_MAX_FILES or any(
        not (f.name or "").lower().endswith(PUBLIC_FILE_TYPES) for f in files
    ):
        raise ValidationError({"photos": _("Up to 3 files: JPG, PNG or PDF.")})
    for upload in files:
        validate_upload(upload)
    settlement = data.settlement
    district = settlement.district
    rules, category = _public_intake(district, data.category)
    intake = Intake(
        channel=channel,
        category=category,
        text=data.text,
        settlement=settlement,
        contact_phone=data.person.phone,
        contact_email=data.person.email,
        language=language,
    )
    person = replace(data.person, settlement=settlement, consent_method=ConsentMethod.ELECTRONIC)
    appeal, created = _submit_once(
        district=district,
        data=person,
        intake=intake,
        idempotency_key=key,
        client_ip=client_ip,
        rules=rules,
    )
    if created and files:
        attachments_add(actor=None, appeal=appeal, uploads=files)
    return PublicSubmission(appeal, created=created)


def settlement_public_get(*, settlement_id: int) -> Settlement | None:
    """The village a citizen named, with its district, if it is one of
    `selectors.settlements_public()` (an active village of an active district), else None."""
    return public_submission_read(settlement_id=settlement_id, idempotency_key="")[0]


def public_submission_read(
    *, settlement_id: int, idempotency_key: str
) -> tuple[Settlement | None, Appeal | None]:
    """What the public API reads before a submission, in one statement whose SQL is
    written once (compiling the selector's query per submission cost more CPU than the
    database's answer): the village with its district, if it is one of
    `selectors.settlements_public()`, and the appeal made under the idempotency key
    (`appeal_submit_public(key_read=...)`). (None, None) for any other village."""
    key = (idempotency_key or "").strip()
    settlement_columns = len(Settlement._meta.concrete_fields)
    district_columns = len(OrgUnit._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select_columns(Settlement, 's')}, {select_columns(OrgUnit, 'd')}, "
            f"{select_columns(Appeal, 'a')} "
            f'FROM "{Settlement._meta.db_table}" "s" '
            f'INNER JOIN "{OrgUnit._meta.db_table}" "d" ON "s"."district_id" = "d"."id" '
            f'LEFT OUTER JOIN "{Appeal._meta.db_table}" "a" ON "a"."idempotency_key" = %s '
            'WHERE "s"."id" = %s AND "s"."is_active" = %s AND "d"."is_active" = %s',
            [key or None, settlement_id, True, True],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None
    settlement = from_row(Settlement, row)
    settlement.district = from_row(OrgUnit, row, settlement_columns)
    appeal_start = settlement_columns + district_columns
    existing = None if row[appeal_start] is None else from_row(Appeal, row, appeal_start)
    return settlement, existing


def _appeal_by_key(key: str) -> Appeal | None:
    """The appeal made under an idempotency key, or None: one indexed read (the key's
    unique index), its SQL written once, as every public submission asks it first."""
    table = Appeal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {select_columns(Appeal, "a")} FROM "{table}" "a" '
            'WHERE "a"."idempotency_key" = %s',
            [key],
        )
        row = cursor.fetchone()
    return None if row is None else from_row(Appeal, row)


def appeal_submit_bot(
    *,
    chat_id: int,
    update_id: int,
    data: PublicAppeal,
    files: list,
    language: str,
) -> PublicSubmission:
    """An appeal written in the citizens' Telegram bot: the public submission with all its
    rules (consent, files, routing, deadlines), the chat standing for the client address in
    the rate limits, and the update that sent it as the idempotency key, so that Telegram
    delivering that update again never makes a second appeal. The appeal is linked to the
    chat, which then hears of its status changes and may rate the answer."""
    submission = appeal_submit_public(
        data=data,
        files=files,
        client_ip=f"tg:{chat_id}",
        idempotency_key=f"telegram-update-{update_id}",
        language=language,
        channel=Channel.TELEGRAM,
    )
    if submission.appeal is not None:
        BotAppeal.objects.get_or_create(appeal=submission.appeal, defaults={"chat_id": chat_id})
    return submission


def appeal_rate_from_bot(*, chat_id: int, appeal_id: int, satisfaction: str) -> Appeal | None:
    """The citizen rates the answer with the buttons under it in the bot. Only the chat the
    appeal was written from may; any other chat (or a forged button) gets None."""
    link = BotAppeal.objects.filter(appeal_id=appeal_id, chat_id=chat_id).first()
    if link is None or satisfaction not in Satisfaction.values:
        return None
    return appeal_rate_by_citizen(appeal=link.appeal, satisfaction=satisfaction)


def _ensure_same_appeal(existing: Appeal, data: PublicAppeal | None) -> None:
    """A retry re-sends the same text from the same village and phone; anything else under
    a used key is another submission and gets IdempotencyConflict, never the first
    citizen's appeal (its number and tracking code)."""
    if data is None:
        raise IdempotencyConflict()
    incoming: dict[str, object] = {"text": data.text, "settlement_id": data.settlement.pk}
    stored: dict[str, object] = {"text": existing.text, "settlement_id": existing.settlement_id}
    if data.person.phone:
        try:
            incoming["phone"] = normalize_phone(data.person.phone)
        except ValidationError as exc:
            raise IdempotencyConflict() from exc
        stored["phone"] = existing.contact_phone
    ensure_same_submission(stored, incoming)


def _submit_once(
    *,
    district,
    data: PersonData,
    intake: Intake,
    idempotency_key: str,
    client_ip: str,
    rules: AppealRules | None = None,
) -> tuple[Appeal, bool]:
    """Exactly one appeal per idempotency key: two requests racing with one key meet at the
    key's unique index, where the loser reads the winner's appeal (created=False).

    One transaction, no savepoint inside it (a caller's own transaction makes this one a
    savepoint): the loser's transaction is rolled back whole, then the winner is read."""
    key = idempotency_key
    if not 8 <= len(key) <= 64:
        raise ValidationError({"idempotency_key": _("A submission key is required.")})
    try:
        with transaction.atomic():
            appeal = _register(
                actor=None,
                district=district,
                data=data,
                intake=intake,
                public=True,
                idempotency_key=key,
                rules=rules,
            )
            # Counted only once it passed every check; over the limit nothing stays.
            if not throttle.submission_allowed(client_ip):
                raise throttle.Throttled(throttle.too_many_appeals())
    except IntegrityError:
        existing = Appeal.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        ensure_same_submission(
            {"text": existing.text, "settlement_id": existing.settlement_id},
            {"text": intake.text, "settlement_id": intake.settlement.pk},
        )
        return existing, False
    return appeal, True


def appeal_track(*, code: str, client_ip: str) -> Appeal | None:
    """The appeal a citizen looks up by its code (typed kindly), or None; each lookup counts
    against the hourly tracking limit (PERVICHKA_TRACK_RATE_PER_HOUR), the same for the web
    page and the API."""
    if not throttle.lookup_allowed("appeal-track", client_ip):
        raise throttle.Throttled(throttle.too_many_attempts())
    return (
        Appeal.objects.select_related("category", "district")
        .filter(tracking_code=normalize_tracking_code(code))
        .first()
    )


# --- the workflow ------------------------------------------------------------------------


def _check_transition(appeal: Appeal, action: str) -> str | None:
    allowed_from, to_status = TRANSITIONS[action]
    if appeal.status not in allowed_from:
        raise ValidationError(
            _("An appeal that is «%(status)s» cannot be «%(action)s».")
            % {"status": appeal.get_status_display(), "action": Action(action).label},
            code="illegal_transition",
        )
    return to_status


def _locked(appeal: Appeal) -> Appeal:
    # Lock the appeal's row only: PostgreSQL cannot lock the nullable side of an outer join.
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("district", "unit", "assigned_user", "assigned_person")
        .get(pk=appeal.pk)
    )


def _move(
    appeal: Appeal, action: str, *, actor, reason: str = "", details=None, by_citizen: bool = False
) -> Appeal:
    to_status = _check_transition(appeal, action)
    from_status = appeal.status
    if to_status is not None:
        appeal.status = to_status
    save_as(appeal, actor, reason=reason[:100])
    _event(
        appeal,
        action,
        from_status,
        actor=actor,
        reason=reason,
        details=details,
        by_citizen=by_citizen,
    )
    _tell_bot_chat(appeal, action)
    return appeal


@transaction.atomic
def appeal_assign(
    *, actor, appeal: Appeal, unit, person: Person | None = None, user=None, reason: str = ""
) -> Appeal:
    """Give the appeal to a primary (or back to the district), a person and/or a user."""
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    _check_transition(appeal, Action.ASSIGN)
    if (
        unit is None
        or not unit.path.startswith(appeal.district.path)
        or unit.kind not in (OrgKind.DISTRICT, OrgKind.PRIMARY)
    ):
        raise ValidationError({"unit": _("Choose the district or one of its primaries.")})
    _require(actor, Perm.APPEALS_MANAGE, unit.path)
    if user is not None and not has_perm_at(user, Perm.APPEALS_MANAGE, unit.path):
        raise ValidationError({"user": _("This user cannot work on appeals of that organization.")})
    appeal.unit, appeal.assigned_person, appeal.assigned_user = unit, person, user
    _move(
        appeal,
        Action.ASSIGN,
        actor=actor,
        reason=reason,
        details={
            "unit": unit.pk,
            "person": person.pk if person else None,
            "user": user.pk if user else None,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        _tell_assignee(
            appeal,
            "assignee_assigned",
            _("Appeal %(number)s is assigned to you: %(category)s. The answer is due by %(due)s.")
            % {
                "number": appeal.number,
                "category": appeal.category,
                "due": appeal.due_date.strftime("%d.%m.%Y"),
            },
        )
    return appeal


@transaction.atomic
def appeal_start(*, actor, appeal: Appeal) -> Appeal:
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    return _move(appeal, Action.START, actor=actor)


def _working_day_on_or_before(cal, day: dt.date) -> dt.date:
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


@transaction.atomic
def appeal_extend(*, actor, appeal: Appeal, until: dt.date, reason: str) -> Appeal:
    """Extend the term by a reasoned decision to a working day; all extensions together stay
    within the district's limit (two months by default) and the citizen is told at once."""
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    _check_transition(appeal, Action.EXTEND)
    rules = rules_for(appeal.district)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("An extension needs a reasoned decision: write why.")})
    if until <= appeal.due_date:
        raise ValidationError(
            {
                "until": _("The new deadline must be later than %(due)s.")
                % {"due": appeal.due_date.strftime("%d.%m.%Y")}
            }
        )
    cal = calendar()
    # The law's limit may fall on a day off; the latest deadline is the working day before.
    limit = _working_day_on_or_before(
        cal, add_months(appeal.original_due_date, rules.extension_max_months)
    )
    if until > limit:
        raise ValidationError(
            {
                "until": _(
                    "Extensions may add at most %(months)d months in total: the latest possible "
                    "deadline is %(limit)s."
                )
                % {"months": rules.extension_max_months, "limit": limit.strftime("%d.%m.%Y")}
            }
        )
    if not cal.is_working_day(until):
        # The operator picked the date, so say which day would do rather than move it silently.
        earlier = _working_day_on_or_before(cal, until)
        if earlier > appeal.due_date:
            message = _(
                "%(day)s is a day off: the deadline must be a working day. The nearest earlier "
                "working day is %(earlier)s."
            ) % {"day": until.strftime("%d.%m.%Y"), "earlier": earlier.strftime("%d.%m.%Y")}
        else:
            message = _(
                "%(day)s is a day off: the deadline must be a working day. The nearest working "
                "day after it is %(later)s."
            ) % {
                "day": until.strftime("%d.%m.%Y"),
                "later": cal.add_working_days(until, 0).strftime("%d.%m.%Y"),
            }
        raise ValidationError({"until": message})
    today = timezone.localdate()
    notice_due = cal.add_working_days(today, rules.extension_notice_working_days)
    previous = appeal.due_date
    appeal.due_date = until
    appeal.extended_until = until
    _move(
        appeal,
        Action.EXTEND,
        actor=actor,
        reason=reason.strip(),
        details={
            "from": previous.isoformat(),
            "until": until.isoformat(),
            "citizen_notice_due": notice_due.isoformat(),
        },
    )
    _citizen_message(appeal, "extended")
    return appeal


@transaction.atomic
def appeal_redirect(*, actor, appeal: Appeal, to: str, reason: str) -> Appeal:
    """Send an appeal outside the branch's competence to whom it concerns; tell the citizen
    where. Late redirections (after the district's term) are allowed and marked late."""
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    _check_transition(appeal, Action.REDIRECT)
    if not (to or "").strip():
        raise ValidationError({"to": _("Say where the appeal is sent.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why it is outside the branch's competence.")})
    appeal.redirected_to = to.strip()[:255]
    late = timezone.localdate() > appeal.redirect_due_date
    _move(
        appeal,
        Action.REDIRECT,
        actor=actor,
        reason=reason.strip(),
        details={"to": appeal.redirected_to, "late": late},
    )
    _citizen_message(appeal, "redirected")
    return appeal


@transaction.atomic
def appeal_answer(
    *, actor, appeal: Appeal, text: str, outcome: str, publish: bool = True, reason: str = ""
) -> Appeal:
    """Record the written answer and its outcome; a refusal must give its reasons."""
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    _check_transition(appeal, Action.ANSWER)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the answer.")})
    if outcome == Outcome.REFUSED and len(text.strip()) < 20:
        raise ValidationError({"text": _("A refusal must explain its reasons.")})
    appeal.answer_text = text.strip()
    appeal.outcome = outcome
    appeal.answered_at = timezone.now()
    appeal.answer_published = publish
    appeal.satisfaction, appeal.satisfaction_source = "", ""
    _move(
        appeal,
        Action.ANSWER,
        actor=actor,
        reason=reason,
        details={
            "outcome": outcome,
            "published": publish,
            "on_time": timezone.localdate() <= appeal.due_date,
        },
    )
    _citizen_message(appeal, "answered")
    return appeal


@transaction.atomic
def appeal_return(*, actor, appeal: Appeal, reason: str) -> Appeal:
    """Send an answer back for rework (a supervisor found it insufficient)."""
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.district.path)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what must be reworked.")})
    return _move(appeal, Action.RETURN, actor=actor, reason=reason.strip())


@transaction.atomic
def appeal_close(*, actor, appeal: Appeal, reason: str = "") -> Appeal:
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    _check_transition(appeal, Action.CLOSE)
    appeal.closed_at = timezone.now()
    return _move(appeal, Action.CLOSE, actor=actor, reason=reason)


def _reopen(appeal: Appeal, *, actor, reason: str, by_citizen: bool) -> Appeal:
    _check_transition(appeal, Action.REOPEN)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the answer did not solve the problem.")})
    rules = rules_for(appeal.district)
    if (
        by_citizen
        and appeal.answered_at
        and (timezone.now() - appeal.answered_at > dt.timedelta(days=rules.reopen_window_days))
    ):
        raise ValidationError(
            _(
                "This appeal can no longer be reopened online: more than "
                "%(days)d days have passed since the answer. Submit a new "
                "appeal."
            )
            % {"days": rules.reopen_window_days}
        )
    cal = calendar()
    appeal.due_date = max(
        appeal.due_date, cal.add_working_days(timezone.localdate(), rules.answer_working_days)
    )
    appeal.closed_at = None
    return _move(appeal, Action.REOPEN, actor=actor, reason=reason.strip(), by_citizen=by_citizen)


@transaction.atomic
def appeal_reopen(*, actor, appeal: Appeal, reason: str) -> Appeal:
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    return _reopen(appeal, actor=actor, reason=reason, by_citizen=False)


@transaction.atomic
def appeal_reopen_by_citizen(*, appeal: Appeal, reason: str) -> Appeal:
    """The citizen says, on the tracking page, that the answer did not solve the problem."""
    appeal = _locked(appeal)
    return _reopen(appeal, actor=None, reason=reason, by_citizen=True)


def _rate(appeal: Appeal, *, actor, satisfaction: str, source: str, by_citizen: bool) -> Appeal:
    _check_transition(appeal, Action.SATISFACTION)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied the citizen is.")})
    appeal.satisfaction, appeal.satisfaction_source = satisfaction, source
    return _move(
        appeal,
        Action.SATISFACTION,
        actor=actor,
        by_citizen=by_citizen,
        details={"satisfaction": satisfaction, "source": source},
    )


@transaction.atomic
def appeal_rate(*, actor, appeal: Appeal, satisfaction: str) -> Appeal:
    """An operator records what the citizen said on the phone about the answer."""
    appeal = _locked(appeal)
    _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    return _rate(
        appeal,
        actor=actor,
        satisfaction=satisfaction,
        source=SatisfactionSource.CALL,
        by_citizen=False,
    )


@transaction.atomic
def appeal_rate_by_citizen(*, appeal: Appeal, satisfaction: str) -> Appeal:
    appeal = _locked(appeal)
    return _rate(
        appeal,
        actor=None,
        satisfaction=satisfaction,
        source=SatisfactionSource.LINK,
        by_citizen=True,
    )


# --- the one dispatcher of the workflow ---------------------------------------------------


def appeal_act(*, actor, appeal: Appeal, action: str, data: dict) -> Appeal:
    """One step of the workflow by its name, for the card's forms and the API alike.

    `data` holds what the step needs, already parsed (the unit, person and user picked from
    the same choices on the web and in the API): unit, person, user, until, to, text,
    outcome, publish, satisfaction, reason. Every check is the step's service's own; an
    unknown action is reported as missing."""
    reason = data.get("reason") or ""
    if action == Action.ASSIGN:
        return appeal_assign(
            actor=actor,
            appeal=appeal,
            unit=data.get("unit"),
            person=data.get("person"),
            user=data.get("user"),
            reason=reason,
        )
    if action == Action.START:
        return appeal_start(actor=actor, appeal=appeal)
    if action == Action.EXTEND:
        if data.get("until") is None:
            raise ValidationError({"until": _("This field is required.")})
        return appeal_extend(actor=actor, appeal=appeal, until=data["until"], reason=reason)
    if action == Action.REDIRECT:
        return appeal_redirect(actor=actor, appeal=appeal, to=data.get("to") or "", reason=reason)
    if action == Action.ANSWER:
        return appeal_answer(
            actor=actor,
            appeal=appeal,
            text=data.get("text") or "",
            outcome=data.get("outcome") or "",
            publish=data.get("publish", True),
            reason=reason,
        )
    if action == Action.RETURN:
        return appeal_return(actor=actor, appeal=appeal, reason=reason)
    if action == Action.CLOSE:
        return appeal_close(actor=actor, appeal=appeal, reason=reason)
    if action == Action.REOPEN:
        return appeal_reopen(actor=actor, appeal=appeal, reason=reason)
    if action == Action.SATISFACTION:
        return appeal_rate(actor=actor, appeal=appeal, satisfaction=data.get("satisfaction") or "")
    raise Http404


# --- attachments -------------------------------------------------------------------------


def _store_attachment(appeal: Appeal, upload, actor) -> Attachment:
    content_type = validate_upload(upload)
    attachment = Attachment(
        appeal=appeal,
        token=secrets.token_hex(16),
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_at=timezone.now(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachments_add(*, actor, appeal: Appeal, uploads: list) -> list[Attachment]:
    """Check every file first, then store them all: a bad file stores none of them."""
    if actor is not None:
        _require(actor, Perm.APPEALS_MANAGE, appeal.unit.path)
    if appeal.attachments.count() + len(uploads) > settings.PERVICHKA_ATTACHMENT_MAX_FILES:
        raise ValidationError(
            _("At most %(n)d files per appeal.") % {"n": settings.PERVICHKA_ATTACHMENT_MAX_FILES}
        )
    for upload in uploads:
        validate_upload(upload)
    return [_store_attachment(appeal, upload, actor) for upload in uploads]


# --- reminders ---------------------------------------------------------------------------


def appeals_remind_due(*, today: dt.date | None = None) -> int:
    """Tell assignees of open appeals due in the district's reminder term (2 working days).

    Run hourly (Celery beat) or daily (cron: `manage.py appeals_remind`); each reminder is
    sent once per appeal and deadline whatever the number of runs.
    """
    today = today or timezone.localdate()
    cal = calendar()
    sent = 0
    horizon = cal.add_working_days(today, 10)
    candidates = (
        Appeal.objects.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=horizon)
        .filter(Q(assigned_user__isnull=False) | Q(assigned_person__isnull=False))
        .select_related("district", "assigned_user", "assigned_person", "category")
    )
    rules_cache: dict[int, AppealRules] = {}
    for appeal in candidates.iterator():
        # Not `setdefault(key, rules_for(...))`: that would read the rules once per appeal.
        if appeal.district_id not in rules_cache:
            rules_cache[appeal.district_id] = rules_for(appeal.district)
        rules = rules_cache[appeal.district_id]
        if cal.working_days_between(today, appeal.due_date) > rules.reminder_working_days:
            continue
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            _tell_assignee(
                appeal,
                "assignee_due_soon",
                _("Reminder: the answer to appeal %(number)s is due by %(due)s.")
                % {"number": appeal.number, "due": appeal.due_date.strftime("%d.%m.%Y")},
                dedupe_key=f"appeal-due:{appeal.pk}:{appeal.due_date.isoformat()}",
            )
        sent += 1
    return sent


# --- offices and field receptions --------------------------------------------------------


@transaction.atomic
def field_reception_save(*, actor, reception: FieldReception, hosts=None) -> FieldReception:
    _require(actor, Perm.APPEALS_ADMIN, reception.unit.path)
    if reception.settlement.district_id != _district_of(reception.unit).pk:
        raise ValidationError({"settlement": _("This village is not in the district.")})
    reception.full_clean()
    reception.save()
    if hosts is not None:
        reception.hosts.set(hosts)
    return reception


@transaction.atomic
def reception_office_save(*, actor, office: ReceptionOffice) -> ReceptionOffice:
    _require(actor, Perm.APPEALS_ADMIN, office.unit.path)
    office.full_clean()
    office.save()
    return office
