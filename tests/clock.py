"""The instant the tests run at (STYLE.md rule 14): a fixed date, so that no test depends on
the day it is run. PERVICHKA_TEST_TODAY=2026-12-31 (or any ISO date) runs them on another
day, to prove the suite passes on 31 December and on 1 January."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")
# A Monday. Tests written with literal dates (November 2026) expect them to lie in the past.
TODAY = dt.date.fromisoformat(os.environ.get("PERVICHKA_TEST_TODAY") or "2026-12-07")
NOW = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=ALMATY)
