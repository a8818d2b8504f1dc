"""KATO: the classifier of administrative-territorial objects of Kazakhstan.

A KATO code is nine digits: AB (region) CD (district) EF (rural district / town) GHI
(settlement). We check the form only; the list of valid codes changes with every
reform and is kept as reference data (settlements), not in code.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_kato(value: str) -> None:
    code = (value or "").strip()
    if not code.isascii() or not code.isdigit() or len(code) != 9:
        raise ValidationError(_("A KATO code is exactly 9 digits."), code="kato_format")
    if code[:2] == "00":
        raise ValidationError(
            _("A KATO code starts with a region code, which is never 00."), code="kato_region"
        )
