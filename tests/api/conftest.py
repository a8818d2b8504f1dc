"""API tests speak real HTTP to a live server (pytest-django's live_server), with requests."""

import pytest
import requests

from pervichka.accounts.services import api_token_create


class Api:
    def __init__(self, base: str, token: str | None = None, language: str = "ru"):
        self.base = base.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = language
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __getattr__(self, method):
        def call(path, **kwargs):
            return self.session.request(method.upper(), self.base + path, timeout=10, **kwargs)

        return call


@pytest.fixture
def api_as(live_server, transactional_db):
    def _api(user=None, language="ru"):
        token = api_token_create(actor=user, name="test")[1] if user else None
        return Api(live_server.url, token, language)

    return _api
