"""Date and number formats for Kazakh: Django ships none, and without them Kazakh pages
showed dates the American way (11/30/2026) where Kazakhstan writes 30.11.2026."""

# Numeric: Django's Kazakh month names are capitalized ("30 Қараша"), which reads wrong
# mid-sentence.
DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "d.m.Y G:i"
YEAR_MONTH_FORMAT = "F Y ж."
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '30.11.2026'
    "%d.%m.%y",  # '30.11.26'
    "%Y-%m-%d",  # what a date field of the browser sends
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"  # a narrow no-break space, as in Russian (config/formats/ru)
NUMBER_GROUPING = 3
