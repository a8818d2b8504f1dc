"""Date and number formats for Kazakh: Django ships none, and without them Kazakh pages
showed dates the American way (11/30/2026) where Kazakhstan writes 30.11.2026."""

# Numeric. Dates written out use the "alt. month" names (E), lower case as Kazakh writes
# them inside a date; the `long_date` filter (core/templatetags) writes "7 желтоқсан 2026 ж.".
DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "d.m.Y G:i"
YEAR_MONTH_FORMAT = "F Y ж."
MONTH_DAY_FORMAT = "j E"  # "7 желтоқсан": lower-case month names (locale_django/kk)
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
