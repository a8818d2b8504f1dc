"""The auditor's page of the access log: who saw unmasked IINs and phones and who exported
personal data, in the reader's subtree, filtered by user and person."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere
from pervichka.people.access import AccessLogFilters, access_log_actors, access_log_list
from pervichka.people.enums import AccessAction


class AccessLogFilterForm(forms.Form):
    actor = forms.IntegerField(required=False, min_value=1, label=_("User"))
    person = forms.IntegerField(required=False, min_value=1, label=_("Person"))
    action = forms.ChoiceField(
        required=False, choices=[("", "—"), *AccessAction.choices], label=_("Action")
    )
    page = forms.IntegerField(required=False, min_value=1)


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.ACCESS_LOG_VIEW):
        raise Http404
    form = AccessLogFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = AccessLogFilters(
        actor_id=data.get("actor"), person_id=data.get("person"), action=data.get("action") or ""
    )
    page = CappedPaginator(access_log_list(request.user, filters), 50).get_page(
        data.get("page") or 1
    )
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "actors": access_log_actors(request.user),
        "actions": AccessAction.choices,
    }
    return render(request, "people/access_log.html", context)
