"""The National Bank of Kazakhstan's official exchange rates for the portal's page chrome.

A scheduled task fetches the bank's daily rates feed (`PERVICHKA_NBK_RATES_URL`, an XML
document of `<item><title>USD</title><description>470.50</description><quant>1</quant>`
items; the date is asked for as `?fdate=DD.MM.YYYY`) and stores the rates with their date.
When the feed cannot be reached or makes no sense nothing is written, so the portal keeps
showing the last known rates with the date they are for."""

from __future__ import annotations

import datetime as dt
import logging
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pervichka.media.models import ExchangeRate

log = logging.getLogger(__name__)
CURRENCIES = ("USD", "EUR", "RUB")
MAX_BYTES = 1_000_000


def _parse(content: bytes) -> dict[str, tuple[Decimal, int]]:
    root = ET.fromstring(content)  # the stdlib parser expands no external entities
    found = {}
    for item in root.iter("item"):
        code = (item.findtext("title") or "").strip().upper()
        if code not in CURRENCIES:
            continue
        try:
            rate = Decimal((item.findtext("description") or "").strip().replace(",", "."))
            quant = int((item.findtext("quant") or "1").strip())
        except (InvalidOperation, ValueError):
            continue
        if rate > 0 and quant > 0 and rate < Decimal("100000000"):
            found[code] = (rate, quant)
    return found


def rates_fetch(*, day: dt.date | None = None) -> int:
    """Fetch and store the day's rates; returns how many were stored (0 when the feed
    failed, and the last known rates stay)."""
    day = day or timezone.localdate()
    url = settings.PERVICHKA_NBK_RATES_URL
    url += ("&" if "?" in url else "?") + urlencode({"fdate": day.strftime("%d.%m.%Y")})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            content = response.read(MAX_BYTES + 1)
        if len(content) > MAX_BYTES:
            raise ValueError("the feed is larger than expected")
        found = _parse(content)
    except (urllib.error.URLError, TimeoutError, ValueError, ET.ParseError) as exc:
        log.warning("NBK rates not fetched: %s", exc)
        return 0
    with transaction.atomic():
        for code, (rate, quant) in found.items():
            ExchangeRate.objects.update_or_create(
                on_date=day, currency=code, defaults={"rate": rate, "quant": quant}
            )
    return len(found)


def rates_latest() -> list[ExchangeRate]:
    """The newest known rate of each currency, in the order USD, EUR, RUB."""
    latest = []
    for code in CURRENCIES:
        rate = ExchangeRate.objects.filter(currency=code).order_by("-on_date").first()
        if rate is not None:
            latest.append(rate)
    return latest


@shared_task(name="media.rates_fetch")
def task_rates_fetch() -> int:
    return rates_fetch()
