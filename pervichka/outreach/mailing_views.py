"""The mailing pages: the list (with what awaits the district's approval and the district's
size), composing with a live preview of who will actually get it, the actions of a mailing
(test, submit, approve, return, pause, resume, cancel) and its delivery log; and the SMS
gateway's inbound webhook (STOP). Thin views over `outreach.mailings`."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pervichka.core import ratelimit, tree
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, has_perm_at
from pervichka.outreach import mailings, selectors
from pervichka.outreach.enums import DeliveryStatus, MailingStatus
from pervichka.outreach.forms import MailingForm, MailingPolicyForm

INBOUND_MAX_BYTES = 10_000


def _require_view(user) -> None:
    if not has_perm_anywhere(user, Perm.OUTREACH_VIEW):
        raise Http404


def _districts_managed(user):
    return [u for u in selectors.units_for_outreach(user) if u.kind == tree.DISTRICT]


@login_required
def mailing_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    districts = _districts_managed(request.user)
    policy_form = None
    if districts:
        district = districts[0]
        policy_form = MailingPolicyForm(
            request.POST or None, initial={"approval_above": mailings.approval_above(district)}
        )
        if request.method == "POST" and policy_form.is_valid():
            try:
                mailings.policy_set(
                    actor=request.user,
                    district=district,
                    approval_above=policy_form.cleaned_data["approval_above"],
                )
            except ValidationError as exc:
                apply_validation_error(policy_form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("outreach:mailings")
    elif request.method == "POST":
        raise Http404
    page = CappedPaginator(mailings.mailings_visible(request.user), 25).get_page(
        request.GET.get("page") or 1
    )
    return render(
        request,
        "outreach/mailings.html",
        {
            "page": page,
            "awaiting": [
                m
                for m in mailings.mailings_awaiting(request.user)[:50]
                if mailings.can_approve(request.user, m)
            ],
            "policy_form": policy_form,
            "can_manage": has_perm_anywhere(request.user, Perm.OUTREACH_MANAGE),
        },
    )


def _form(request, instance=None, *, bound: bool = True) -> MailingForm:
    return MailingForm(
        (request.POST or None) if bound else None,
        instance=instance,
        units=selectors.units_for_outreach(request.user),
        segments=mailings.segments_for_mailing(request.user),
    )


@login_required
def mailing_new(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.OUTREACH_MANAGE):
        raise Http404
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        mailing = form.save(commit=False)
        try:
            mailings.mailing_save(actor=request.user, mailing=mailing)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Check who will get it, then submit it."))
            return redirect("outreach:mailing", pk=mailing.pk)
    return render(request, "outreach/mailing_form.html", {"form": form})


ACTIONS = {
    "submit": (mailings.mailing_submit, gettext_lazy("Submitted.")),
    "approve": (mailings.mailing_approve, gettext_lazy("Approved.")),
    "return": (mailings.mailing_return, gettext_lazy("Returned to the author as a draft.")),
    "pause": (mailings.mailing_pause, gettext_lazy("Paused.")),
    "resume": (mailings.mailing_resume, gettext_lazy("Resumed.")),
    "cancel": (mailings.mailing_cancel, gettext_lazy("Cancelled.")),
}


@login_required
def mailing(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = mailings.mailing_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.OUTREACH_MANAGE, mailing.unit.path)
    can_approve = mailings.can_approve(request.user, mailing)
    editable = can_manage and mailing.status == MailingStatus.DRAFT
    form = _form(request, instance=mailing) if editable else None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not (can_manage or (can_approve and action in ("approve", "return"))):
            raise Http404
        try:
            if action == "test":
                sent = mailings.mailing_test_send(actor=request.user, mailing=mailing)
                messages.success(request, _("Test sent (%(n)s messages).") % {"n": sent})
                return redirect("outreach:mailing", pk=mailing.pk)
            if action in ACTIONS:
                service, done = ACTIONS[action]
                service(actor=request.user, mailing=mailing)
                messages.success(request, str(done))
                return redirect("outreach:mailing", pk=mailing.pk)
            if action == "save" and form is not None and form.is_valid():
                mailings.mailing_save(actor=request.user, mailing=form.save(commit=False))
                messages.success(request, _("Draft saved."))
                return redirect("outreach:mailing", pk=mailing.pk)
            if form is None or action != "save":
                messages.error(request, _("This action is not possible now."))
        except ValidationError as exc:
            if form is not None and action == "save":
                apply_validation_error(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        mailing.refresh_from_db()
    preview = mailings.mailing_preview(
        request.user, segment=mailing.segment, channel=mailing.channel
    )
    return render(
        request,
        "outreach/mailing.html",
        {
            "mailing": mailing,
            "form": form,
            "preview": preview,
            "approval_above": mailings.approval_above(mailing.unit),
            "can_manage": can_manage,
            "can_approve": can_approve,
            "log": mailings.delivery_log(mailing),
        },
    )


@login_required
def mailing_log(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = mailings.mailing_get(request.user, pk)
    status = request.GET.get("status", "")
    page = CappedPaginator(mailings.deliveries_of(mailing, status), 50).get_page(
        request.GET.get("page") or 1
    )
    return render(
        request,
        "outreach/mailing_log.html",
        {
            "mailing": mailing,
            "log": mailings.delivery_log(mailing),
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
        },
    )


def _inbound_payload(request: HttpRequest) -> tuple[str, str]:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body[:INBOUND_MAX_BYTES] or b"{}")
        except ValueError:
            return "", ""
        if not isinstance(body, dict):
            return "", ""
    else:
        body = request.POST
    phone = body.get("phone") or body.get("from") or ""
    text = body.get("text") or body.get("message") or ""
    if not isinstance(phone, str) or not isinstance(text, str):
        return "", ""
    return phone[:32].replace("\x00", ""), text[:200].replace("\x00", "")


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """The SMS gateway posts each reply here (phone and text) with the shared secret in the
    X-Pervichka-Secret header or the `secret` parameter. STOP records the opt-out from
    every SMS. Always a quick 200 for the gateway (it retries otherwise), except a wrong
    secret (404, as if the URL did not exist) and a flood (429)."""
    secret = settings.PERVICHKA_SMS_INBOUND_SECRET
    given = request.headers.get("X-Pervichka-Secret") or request.GET.get("secret") or ""
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise Http404
    if not ratelimit.hit(
        "sms-inbound",
        "gateway",
        limit=settings.PERVICHKA_SMS_INBOUND_PER_MINUTE,
        window_seconds=60,
    ):
        return JsonResponse({"ok": False, "error": "rate limited"}, status=429)
    if len(request.body) > INBOUND_MAX_BYTES:
        return JsonResponse({"ok": False, "error": "too large"}, status=413)
    phone, text = _inbound_payload(request)
    changed = mailings.sms_inbound(phone=phone, text=text)
    return JsonResponse({"ok": True, "stopped": changed})
