"""The National Bank's rates: fetched from a fake feed on loopback (real HTTP), stored with
their date, shown with that date, and the last known value kept when the feed fails."""

import datetime as dt
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from pervichka.media.models import ExchangeRate
from pervichka.media.rates import rates_fetch, rates_latest

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rates><generator>NBK</generator><title>Official exchange rates</title>
<date>{date}</date>
<item><fullname>ДОЛЛАР США</fullname><title>USD</title><description>{usd}</description>
<quant>1</quant><index>UP</index><change>+1.20</change></item>
<item><fullname>ЕВРО</fullname><title>EUR</title><description>545.10</description>
<quant>1</quant></item>
<item><fullname>РОССИЙСКИЙ РУБЛЬ</fullname><title>RUB</title><description>5.95</description>
<quant>1</quant></item>
<item><fullname>ЮАНЬ</fullname><title>CNY</title><description>66.1</description>
<quant>1</quant></item>
</rates>"""


class FakeFeed:
    def __init__(self):
        self.body = b""
        self.status = 200
        self.queries = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.queries.append(self.path)
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/rss/get_rates.cfm"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed(settings):
    fake = FakeFeed()
    settings.PERVICHKA_NBK_RATES_URL = fake.url
    yield fake
    fake.close()


def test_rates_are_fetched_and_stored_with_their_date(feed, db):
    feed.body = FEED.format(date="07.12.2026", usd="470.50").encode()
    assert rates_fetch(day=dt.date(2026, 12, 7)) == 3
    assert feed.queries == ["/rss/get_rates.cfm?fdate=07.12.2026"]
    assert [(r.currency, r.rate, r.on_date) for r in rates_latest()] == [
        ("USD", Decimal("470.5000"), dt.date(2026, 12, 7)),
        ("EUR", Decimal("545.1000"), dt.date(2026, 12, 7)),
        ("RUB", Decimal("5.9500"), dt.date(2026, 12, 7)),
    ]


@pytest.mark.parametrize("failure", ["500", "garbage", "down"])
def test_last_known_rates_are_kept_when_the_feed_fails(feed, settings, db, failure):
    feed.body = FEED.format(date="06.12.2026", usd="469.00").encode()
    rates_fetch(day=dt.date(2026, 12, 6))
    if failure == "500":
        feed.status, feed.body = 500, b"error"
    elif failure == "garbage":
        feed.body = b"<html><body>maintenance"
    else:
        settings.PERVICHKA_NBK_RATES_URL = "http://127.0.0.1:9/rates"
    assert rates_fetch(day=dt.date(2026, 12, 7)) == 0
    usd = rates_latest()[0]
    assert (usd.currency, usd.rate, usd.on_date) == (
        "USD",
        Decimal("469.0000"),
        dt.date(2026, 12, 6),
    )


@pytest.mark.hostile
def test_hostile_feed_values_are_skipped(feed, db):
    feed.body = (
        b"<rates><item><title>USD</title><description>=1+1</description></item>"
        b"<item><title>EUR</title><description>-5</description></item>"
        b"<item><title>RUB</title><description>1e400</description></item></rates>"
    )
    assert rates_fetch(day=dt.date(2026, 12, 7)) == 0
    assert not ExchangeRate.objects.exists()


def test_rates_are_shown_on_the_news_pages_with_their_date(client, feed, db):
    feed.body = FEED.format(date="07.12.2026", usd="470.50").encode()
    rates_fetch(day=dt.date(2026, 12, 7))
    html = client.get(reverse("public:news")).content.decode()
    assert "USD 470.50" in html or "USD 470,50" in html
    assert "7 декабря 2026" in html  # the date the rates are for
