"""What follows from a young person's facts: their status, whether they are NEET, their age,
and whether a support measure is open to them (with the reasons when it is not)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pervichka.youth.enums import NEET_STATUSES, SettlementKindRule, YouthStatus


def derive_status(yp) -> str:
    """Employed > student > in training > military service > parental leave > job seeker >
    NEET: the first that holds is the young person's status."""
    if yp.employed:
        return YouthStatus.EMPLOYED
    if yp.in_education:
        return YouthStatus.STUDENT
    if yp.in_training:
        return YouthStatus.TRAINING
    if yp.military_service:
        return YouthStatus.MILITARY
    if yp.parental_leave:
        return YouthStatus.PARENTAL_LEAVE
    if yp.registered_job_seeker:
        return YouthStatus.JOB_SEEKER
    return YouthStatus.NEET


def is_neet(yp) -> bool:
    """Not in employment, education or training (ILO); parental leave counts as NEET."""
    return derive_status(yp) in NEET_STATUSES


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reasons: tuple[str, ...] = ()


def eligibility(yp, measure, *, on: dt.date) -> Eligibility:
    """Whether `measure` is open to the young person on `on`, from their facts."""
    reasons = []
    age = age_on(yp.person.birth_date, on)
    if age is None:
        reasons.append(_("the date of birth is unknown (no IIN)"))
    elif not measure.min_age <= age <= measure.max_age:
        reasons.append(
            _("for ages %(min)d–%(max)d (is %(age)d)")
            % {"min": measure.min_age, "max": measure.max_age, "age": age}
        )
    if measure.education and yp.education not in measure.education:
        reasons.append(_("needs another level of education"))
    kind = yp.person.settlement.kind if yp.person.settlement_id else None
    if measure.settlement_kind == SettlementKindRule.VILLAGE and kind not in ("village", None):
        reasons.append(_("for villages"))
    if measure.settlement_kind == SettlementKindRule.TOWN and kind not in ("town", "city"):
        reasons.append(_("for towns and cities"))
    if measure.only_neet and not is_neet(yp):
        reasons.append(_("for those without work or study"))
    if measure.graduated_within_years is not None and (
        yp.graduated_year is None or on.year - yp.graduated_year > measure.graduated_within_years
    ):
        reasons.append(
            _("for those who graduated within %(years)d years")
            % {"years": measure.graduated_within_years}
        )
    return Eligibility(ok=not reasons, reasons=tuple(reasons))
