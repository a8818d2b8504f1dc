import pytest

from tests.hostile import SUM, assert_inert
from tests.training.test_training import chairs as chairs  # a fixture
from tests.training.test_training import trainer as trainer  # a fixture

pytestmark = pytest.mark.hostile


def test_chair_name_exports_as_text_in_the_coverage(chairs, trainer, tree, login):
    person = chairs[tree.primary_a.pk]
    person.surname = SUM
    person.save()
    assert_inert(login(trainer).get("/training/coverage/?format=xlsx").content, SUM)
