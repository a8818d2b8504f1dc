"""API authentication: per-user bearer tokens for scripts, the session for the browser."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from pervichka.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pvk_…`: a per-user token created on the API tokens page."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
