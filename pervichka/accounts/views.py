from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pervichka.accounts.selectors import api_tokens_of
from pervichka.accounts.services import api_token_create, api_token_revoke
from pervichka.core.forms import BootstrapMixin
from pervichka.core.ratelimit import hit
from pervichka.core.scoping import get_or_404

# Password changes (right or wrong) per user per hour.
PASSWORD_TRIES = 5


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("site:home")

    def post(self, request, *args, **kwargs):
        # Guessing the old password from a stolen session is limited like logging in.
        if not hit(
            "password-change", str(request.user.pk), limit=PASSWORD_TRIES, window_seconds=3600
        ):
            # An unbound form: the old password sent this time is not even checked.
            form = self.form_class(user=request.user)
            form.cleaned_data = {}
            form.add_error(None, _("Too many attempts. Please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        revoked = getattr(form.user, "_tokens_revoked", 0)
        if revoked:
            messages.warning(
                self.request,
                ngettext(
                    "%(n)d API token was revoked with the old password; create a new one.",
                    "%(n)d API tokens were revoked with the old password; create new ones.",
                    revoked,
                )
                % {"n": revoked},
            )
        return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its key is shown once), revoke one."""
    new_key = None
    error = None
    if request.method == "POST":
        try:
            _token, new_key = api_token_create(
                actor=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_of(request.user), "new_key": new_key, "error": error},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_or_404(api_tokens_of(request.user), pk=pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:tokens")
