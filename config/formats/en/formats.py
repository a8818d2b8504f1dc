"""English as it is read in Kazakhstan: day first. Django's English writes 12/06/2026, which a
reader here takes for 12 June; the rest of the system (and the Russian and Kazakh pages) write
06.12.2026. Long dates stay English ("Dec. 6, 2026")."""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '06.12.2026'
    "%Y-%m-%d",  # what a date field of the browser sends
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
