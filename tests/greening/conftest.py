# The projects' cast of fixtures (events, plantings, the contest, people's data) serves here too.
from tests.projects.conftest import (  # noqa: F401
    _english,
    contest,
    juror,
    make_event,
    make_planting,
    person_data,
    projects,
    published_idea,
    submit_idea,
    village,
)
