"""Russian numbers as the Kazakh (kk/formats.py) ones: thousands grouped by a narrow no-break
space (27 000, 1 200,00), the typographic choice of both languages, and the same on every page
(pervichka.core.numbers); Django's Russian default is a full no-break space."""

THOUSAND_SEPARATOR = "\u202f"  # NARROW NO-BREAK SPACE
NUMBER_GROUPING = 3
