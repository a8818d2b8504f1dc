from tests.appeals.conftest import _sms_outbox, appeal_a, office, register  # noqa: F401
