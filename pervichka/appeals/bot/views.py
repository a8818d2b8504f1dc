"""The webhook Telegram posts the bot's updates to. Telegram proves itself with the secret
token set by setWebhook (X-Telegram-Bot-Api-Secret-Token); without a bot token or a secret
configured the address does not exist (404)."""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pervichka.appeals.bot.runtime import process_update

logger = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1_000_000


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.PERVICHKA_TELEGRAM_WEBHOOK_SECRET
    if not secret or not settings.PERVICHKA_TELEGRAM_BOT_TOKEN:
        raise Http404
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponse(status=403)
    if len(request.body) > MAX_UPDATE_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        return HttpResponse(status=400)
    # A failure answers 500: Telegram delivers the update again later.
    process_update(payload)
    return JsonResponse({})
