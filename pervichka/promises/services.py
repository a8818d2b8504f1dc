"""Writes of promises: the programme's entries and the updates that move them, each with
its evidence. One transaction each; outside the actor's scope is missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import validate_upload
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.promises.enums import FINAL, NEEDS_REASON, PROMISE_FLOW, PromiseStatus, Theme
from pervichka.promises.models import Promise, PromiseUpdate

S = PromiseStatus


def _require(actor, promise_or_unit) -> None:
    path = (
        promise_or_unit.district.path
        if isinstance(promise_or_unit, Promise)
        else promise_or_unit.path
    )
    if not has_perm_at(actor, Perm.PROMISES_MANAGE, path):
        raise Http404


@dataclass
class PromiseData:
    number: int
    text: str
    theme: str
    due_date: dt.date
    text_kk: str = ""
    text_en: str = ""
    settlement: object = None
    responsible_deputy: object = None
    responsible_body: str = ""
    programme: str = "2021–2026"
    is_public: bool = True


def _apply(promise: Promise, data: PromiseData) -> None:
    errors: dict[str, str] = {}
    if not (data.text or "").strip():
        errors["text"] = _("Write the promise as the programme says it.")
    if data.theme not in Theme.values:
        errors["theme"] = _("Choose a theme.")
    if data.number is None or int(data.number) < 1:
        errors["number"] = _("Give the promise's number in the programme.")
    if data.due_date is None:
        errors["due_date"] = _("Give the date the promise is due.")
    if data.settlement is not None and data.settlement.district_id != promise.district_id:
        errors["settlement"] = _("Choose a settlement of the district, or none for all of it.")
    deputy = data.responsible_deputy
    if deputy is not None and not promise.district.path.startswith(deputy.unit.path):
        errors["responsible_deputy"] = _("Choose a deputy of this district's council.")
    if errors:
        raise ValidationError(errors)
    promise.number = int(data.number)
    promise.text = data.text.strip()
    promise.text_kk = (data.text_kk or "").strip()
    promise.text_en = (data.text_en or "").strip()
    promise.theme = data.theme
    promise.due_date = data.due_date
    promise.settlement = data.settlement
    promise.responsible_deputy = deputy
    promise.responsible_body = (data.responsible_body or "").strip()
    promise.programme = (data.programme or "").strip() or "2021–2026"
    promise.is_public = data.is_public


@transaction.atomic
def promise_create(*, actor, district: OrgUnit, data: PromiseData) -> Promise:
    _require(actor, district)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError({"district": _("Promises belong to a district's programme.")})
    promise = Promise(district=district)
    _apply(promise, data)
    try:
        with transaction.atomic():
            save_as(promise, actor)
    except IntegrityError as exc:
        raise ValidationError(
            {"number": _("The programme already has a promise with this number.")}
        ) from exc
    return promise


@transaction.atomic
def promise_edit(*, actor, promise: Promise, data: PromiseData) -> Promise:
    _require(actor, promise)
    promise = (
        Promise.objects.select_for_update(of=("self",))
        .select_related("district")
        .get(pk=promise.pk)
    )
    _apply(promise, data)
    try:
        with transaction.atomic():
            save_as(promise, actor)
    except IntegrityError as exc:
        raise ValidationError(
            {"number": _("The programme already has a promise with this number.")}
        ) from exc
    return promise


@transaction.atomic
def promise_report(
    *,
    actor,
    promise: Promise,
    status: str,
    date: dt.date,
    text: str,
    reason: str = "",
    link: str = "",
    upload=None,
) -> PromiseUpdate:
    """Record what was done, with its evidence; the promise moves to `status`.

    A promise done after its due date is «done late», with the reason; «done» and «partly
    done» need proof beyond words (a link, a photo or a document)."""
    _require(actor, promise)
    promise = Promise.objects.select_for_update().get(pk=promise.pk)
    current = S(promise.status)
    if status not in S.values:
        raise ValidationError({"status": _("Choose a status.")})
    status = S(status)
    if status != current and status not in PROMISE_FLOW[current]:
        raise ValidationError(
            {
                "status": _("A promise that is «%(from)s» cannot become «%(to)s».")
                % {"from": current.label, "to": status.label}
            }
        )
    errors: dict[str, str] = {}
    today = timezone.localdate()
    last = promise.updates.order_by("-date", "-pk").first()
    if date is None or date > today:
        errors["date"] = _("An update is dated on the day it happened, not in the future.")
    elif last is not None and date < last.date:
        errors["date"] = _("The previous update is dated %(date)s: this one cannot be earlier.") % {
            "date": last.date.strftime("%d.%m.%Y")
        }
    if not (text or "").strip():
        errors["text"] = _("Say what was done: this is the evidence people will read.")
    reason = (reason or "").strip()
    if status in NEEDS_REASON and not reason:
        errors["reason"] = _("Give the reason: people are owed it when a promise goes wrong.")
    if date is not None and status == S.DONE and date > promise.due_date:
        errors["status"] = _(
            "The promise was due on %(date)s: record it as «done late», with the reason."
        ) % {"date": promise.due_date.strftime("%d.%m.%Y")}
    if date is not None and status == S.DONE_LATE and date <= promise.due_date:
        errors["status"] = _("It was done by the due date: record it as «done».")
    if status in FINAL | {S.PARTLY_DONE} and not (link or upload):
        errors["link"] = _("Attach the proof: a link, a photo or a document.")
    if errors:
        raise ValidationError(errors)
    update = PromiseUpdate(
        promise=promise,
        date=date,
        status=status,
        text=text.strip(),
        reason=reason,
        link=(link or "").strip(),
        recorded_by=actor,
    )
    if upload is not None:
        validate_upload(upload)
        update.file.save(upload.name, upload, save=False)
    update.full_clean(exclude=["file", "recorded_by", "promise"])
    update.save()
    promise.status, promise.status_since = status, date
    save_as(promise, actor, reason=f"{status}: {text.strip()[:80]}")
    return update


@transaction.atomic
def promise_link(*, actor, promise: Promise, appeal=None, project=None, event=None) -> Promise:
    """Relate an appeal, a project or an event of the same district to the promise."""
    _require(actor, promise)
    district_path = promise.district.path
    if appeal is not None:
        if not appeal.district.path == district_path:
            raise ValidationError({"appeal": _("Choose an appeal of this district.")})
        promise.appeals.add(appeal)
    if event is not None:
        if not event.primary.path.startswith(district_path):
            raise ValidationError({"event": _("Choose an event of this district's primaries.")})
        promise.events.add(event)
        promise.projects.add(event.project)
    if project is not None:
        promise.projects.add(project)
    return promise


@transaction.atomic
def promise_unlink(*, actor, promise: Promise, appeal=None, project=None, event=None) -> Promise:
    _require(actor, promise)
    if appeal is not None:
        promise.appeals.remove(appeal)
    if event is not None:
        promise.events.remove(event)
    if project is not None:
        promise.projects.remove(project)
    return promise
