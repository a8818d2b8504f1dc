from tests.appeals.conftest import _sms_outbox, appeal_a, office, register  # noqa: F401
from tests.media.conftest import correspondent_a, draft, press_secretary, published  # noqa: F401
