import pytest
from django.core.exceptions import ValidationError

from pervichka.core.notify import LocmemSMSBackend
from pervichka.ideas import services as ideas_services

pytestmark = pytest.mark.hostile


@pytest.mark.parametrize("phone", ["+7 916 123 45 67", "+1 202 555 0123", "+7 7172 12 34 56"])
def test_vote_codes_are_not_sent_outside_kazakhstan_mobiles(published_idea, phone):
    LocmemSMSBackend.outbox.clear()
    with pytest.raises(ValidationError) as exc:
        ideas_services.vote_request_code(idea=published_idea, phone=phone)
    assert "Kazakhstan mobile numbers only" in str(exc.value)
    assert LocmemSMSBackend.outbox == []
