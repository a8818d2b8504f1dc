"""Writes for youth work: profiles, cases, referrals, placements. One transaction each,
with the acting user; everything is kept in history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pervichka.core.calendar import add_months
from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.services import notification_queue
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.selectors import district_of
from pervichka.people.enums import ConsentPurpose
from pervichka.people.selectors import persons_consent_withdrawn
from pervichka.people.services import (
    PersonData,
    person_find_or_create,
    records_transfer_requests,
)
from pervichka.youth.enums import (
    REFERRAL_FLOW,
    CaseStatus,
    CloseReason,
    Need,
    PlacementKind,
    ReferralStatus,
)
from pervichka.youth.models import (
    Case,
    CaseNote,
    Placement,
    Referral,
    SupportMeasure,
    YoungPerson,
    YouthRules,
)
from pervichka.youth.rules import age_on, eligibility

FACTS = (
    "education",
    "graduated_year",
    "specialty",
    "skills",
    "employed",
    "employer",
    "in_education",
    "in_training",
    "military_service",
    "parental_leave",
    "registered_job_seeker",
    "notes",
)


def _require(actor, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


def rules_for(primary) -> YouthRules:
    district = district_of(primary)
    if district is None:
        raise ValidationError({"primary": _("Choose a primary organization.")})
    # A read: the row is created only where an administrator saves the rules.
    rules = YouthRules.objects.filter(district=district).first()
    return rules if rules is not None else YouthRules(district=district)


def _apply_facts(yp: YoungPerson, facts: dict) -> None:
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    for name, value in facts.items():
        setattr(yp, name, value)
    if yp.employed and not yp.employer and "employer" in facts:
        yp.employer = ""
    today = timezone.localdate()
    if yp.graduated_year and not 1950 <= yp.graduated_year <= today.year + 1:
        raise ValidationError({"graduated_year": _("Enter the year of graduation.")})


@records_transfer_requests
@transaction.atomic
def young_person_register(*, actor, primary, data: PersonData, facts: dict) -> YoungPerson:
    """Put a young person on the primary's register: the registry's person (found by IIN or
    created, with consent) and the facts of their situation. Refused above the age limit."""
    _require(actor, Perm.YOUTH_MANAGE, primary.path)
    if primary.kind != OrgKind.PRIMARY:
        raise ValidationError({"primary": _("Choose a primary organization.")})
    # A person already in the registry is linked (their consent recorded if they had none);
    # the youth register does not rewrite the registry's details.
    person = person_find_or_create(
        actor=actor,
        unit=primary,
        data=data,
        update=False,
        purpose=_("youth register"),
        consent_purpose=ConsentPurpose.YOUTH,
    )
    if hasattr(person, "youth_profile"):
        raise ValidationError({"iin": _("This young person is already on a register.")})
    age = age_on(person.birth_date, timezone.localdate())
    limit = rules_for(primary).max_age
    if age is not None and age > limit:
        raise ValidationError(
            {
                "iin": _("Young people are up to %(limit)d years old; this person is %(age)d.")
                % {"limit": limit, "age": age}
            }
        )
    yp = YoungPerson(person=person, primary=primary)
    _apply_facts(yp, facts)
    yp.full_clean(exclude=["person"])
    save_as(yp, actor)
    return yp


@transaction.atomic
def young_person_update(*, actor, yp: YoungPerson, facts: dict) -> YoungPerson:
    _require(actor, Perm.YOUTH_MANAGE, yp.primary.path)
    yp = YoungPerson.objects.select_for_update().get(pk=yp.pk)
    _apply_facts(yp, facts)
    yp.full_clean()
    save_as(yp, actor)
    return yp


def _needs(needs: list[str]) -> list[str]:
    wrong = [n for n in needs if n not in Need.values]
    if wrong:
        raise ValidationError(
            {"needs": _("Unknown needs: %(needs)s") % {"needs": ", ".join(wrong)}}
        )
    return list(dict.fromkeys(needs))


@transaction.atomic
def case_open(
    *,
    actor,
    yp: YoungPerson,
    needs: list[str],
    assessment: str = "",
    plan: str = "",
    worker=None,
    next_followup: dt.date | None = None,
) -> Case:
    """Open a case: what the young person needs and the plan; a follow-up date is set from
    the district's rule when none is given."""
    _require(actor, Perm.YOUTH_MANAGE, yp.primary.path)
    if worker is not None and not has_perm_at(worker, Perm.YOUTH_MANAGE, yp.primary.path):
        raise ValidationError(
            {"worker": _("This user does not work with this primary's young people.")}
        )
    today = timezone.localdate()
    case = Case(
        young_person=yp,
        worker=worker or actor,
        needs=_needs(needs),
        assessment=assessment,
        plan=plan,
        opened_at=timezone.now(),
        opened_by=actor,
        next_followup=next_followup
        or today + dt.timedelta(days=rules_for(yp.primary).followup_days),
    )
    try:
        with transaction.atomic():
            save_as(case, actor)
    except IntegrityError as exc:
        raise ValidationError(_("This young person already has an open case.")) from exc
    return case


def _open_case(actor, case: Case) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("young_person__primary", "young_person__person__settlement")
        .get(pk=case.pk)
    )
    _require(actor, Perm.YOUTH_MANAGE, case.young_person.primary.path)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("This case is closed."))
    return case


@transaction.atomic
def case_update(
    *,
    actor,
    case: Case,
    needs: list[str],
    assessment: str,
    plan: str,
    next_followup: dt.date | None,
    worker=None,
) -> Case:
    """Change the assessment, plan and follow-up; a worker given hands the case over."""
    case = _open_case(actor, case)
    primary_path = case.young_person.primary.path
    if worker is not None and not has_perm_at(worker, Perm.YOUTH_MANAGE, primary_path):
        raise ValidationError(
            {"worker": _("This user does not work with this primary's young people.")}
        )
    case.needs, case.assessment, case.plan = _needs(needs), assessment, plan
    case.next_followup = next_followup
    if worker is not None:
        case.worker = worker
    save_as(case, actor)
    return case


@transaction.atomic
def case_note_add(
    *, actor, case: Case, text: str, next_followup: dt.date | None = None
) -> CaseNote:
    """A contact with the young person; it can set the next follow-up date."""
    case = _open_case(actor, case)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what happened.")})
    note = CaseNote.objects.create(case=case, author=actor, text=text.strip())
    if next_followup is not None:
        case.next_followup = next_followup
        save_as(case, actor)
    return note


@transaction.atomic
def case_close(*, actor, case: Case, reason: str) -> Case:
    case = _open_case(actor, case)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    case.status, case.close_reason = CaseStatus.CLOSED, reason
    case.closed_at, case.next_followup = timezone.now(), None
    save_as(case, actor)  # the history shows "why closed" as the field's label
    return case


@transaction.atomic
def referral_create(
    *,
    actor,
    case: Case,
    measure: SupportMeasure,
    on: dt.date | None = None,
    note: str = "",
    override: bool = False,
) -> Referral:
    """Refer to a support measure. A measure the facts do not qualify for is refused, with
    the reasons, unless the worker overrides (the note must then say why)."""
    case = _open_case(actor, case)
    on = on or timezone.localdate()
    result = eligibility(case.young_person, measure, on=on)
    if not result.ok and not override:
        message = _("Not eligible: %(reasons)s.") % {"reasons": "; ".join(result.reasons)}
        raise ValidationError({"measure": ValidationError(message, code="not_eligible")})
    if not result.ok and not (note or "").strip():
        raise ValidationError({"note": _("Say why the referral is made all the same.")})
    referral = Referral(case=case, measure=measure, referred_on=on, note=note.strip()[:255])
    save_as(referral, actor)
    return referral


@transaction.atomic
def referral_move(
    *, actor, referral: Referral, to: str, on: dt.date | None = None, reason: str = ""
) -> Referral:
    """referred → accepted → started → completed; refused from any of the first three."""
    referral = (
        Referral.objects.select_for_update()
        .select_related("case__young_person__primary")
        .get(pk=referral.pk)
    )
    _require(actor, Perm.YOUTH_MANAGE, referral.case.young_person.primary.path)
    if to not in REFERRAL_FLOW.get(referral.status, set()):
        raise ValidationError(
            _("A referral that is «%(from)s» cannot become «%(to)s».")
            % {"from": referral.get_status_display(), "to": ReferralStatus(to).label},
            code="illegal_transition",
        )
    on = on or timezone.localdate()
    if on < referral.referred_on:
        raise ValidationError({"on": _("The date cannot be before the referral.")})
    if to == ReferralStatus.REFUSED and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why it was refused.")})
    setattr(referral, f"{to}_on", on)
    referral.status = to
    if to == ReferralStatus.REFUSED:
        referral.refusal_reason = reason.strip()[:255]
    save_as(referral, actor)
    return referral


@transaction.atomic
def placement_record(
    *,
    actor,
    case: Case,
    kind: str,
    started_on: dt.date,
    organization: str,
    position: str = "",
    referral: Referral | None = None,
) -> Placement:
    """The young person went to work or study. Their facts follow (employed / studies)."""
    case = _open_case(actor, case)
    if kind not in PlacementKind.values:
        raise ValidationError({"kind": _("Choose work or study.")})
    if not (organization or "").strip():
        raise ValidationError({"organization": _("Name the employer or the institution.")})
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The date cannot be in the future.")})
    if referral is not None and referral.case_id != case.pk:
        raise ValidationError({"referral": _("This referral is of another case.")})
    placement = Placement(
        case=case,
        kind=kind,
        started_on=started_on,
        organization=organization.strip(),
        position=position.strip(),
        referral=referral,
    )
    save_as(placement, actor)
    yp = case.young_person
    if kind == PlacementKind.WORK:
        yp.employed, yp.employer = True, placement.organization
    else:
        yp.in_education = True
    yp.registered_job_seeker = False
    save_as(yp, actor, reason="placement")
    return placement


@transaction.atomic
def placement_check(
    *, actor, placement: Placement, months: int, lasted: bool, on: dt.date | None = None
) -> Placement:
    """Record whether the placement lasted 3 (or 6) months; not before it is due."""
    placement = (
        Placement.objects.select_for_update()
        .select_related("case__young_person__primary")
        .get(pk=placement.pk)
    )
    _require(actor, Perm.YOUTH_MANAGE, placement.case.young_person.primary.path)
    if months not in (3, 6):
        raise ValidationError({"months": _("Checks are after 3 and 6 months.")})
    on = on or timezone.localdate()
    if on < add_months(placement.started_on, months):
        raise ValidationError(
            _("This check is due on %(date)s.")
            % {"date": add_months(placement.started_on, months).strftime("%d.%m.%Y")}
        )
    setattr(placement, f"lasted_{months}m", lasted)
    setattr(placement, f"checked_{months}m_on", on)
    save_as(placement, actor)
    return placement


def followups_remind(*, today: dt.date | None = None) -> int:
    """Tell case workers of follow-ups due today or overdue; once per case and date."""
    today = today or timezone.localdate()
    count = 0
    for case in (
        Case.objects.filter(status=CaseStatus.OPEN, next_followup__lte=today, worker__isnull=False)
        .exclude(
            # A withdrawn consent to youth work stops the follow-ups (docs/privacy.md).
            young_person__person__in=persons_consent_withdrawn(ConsentPurpose.YOUTH)
        )
        .select_related("worker", "young_person__person")
    ):
        if not case.worker.email:
            continue
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            queued = notification_queue(
                channel="email",
                to=case.worker.email,
                kind="youth_followup",
                ref=f"youth-case:{case.pk}",
                subject=_("Follow-up due: %(name)s") % {"name": case.young_person.person},
                body=_("The follow-up of %(name)s is due on %(date)s.")
                % {
                    "name": case.young_person.person,
                    "date": case.next_followup.strftime("%d.%m.%Y"),
                },
                dedupe_key=f"youth-followup:{case.pk}:{case.next_followup.isoformat()}",
            )
        count += queued is not None
    return count
