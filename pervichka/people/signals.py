"""Signals of the people register that higher floors subscribe to (in their AppConfig.ready),
so that people never imports them."""

from django.dispatch import Signal

# A consent was withdrawn (by staff or by the person themselves). Sent inside the
# withdrawal's transaction with `person_id`, `purpose` and `actor` (None for the subject):
# a receiver that fails rolls the withdrawal back, so nothing is half-done.
consent_withdrawn = Signal()
