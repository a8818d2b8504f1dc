"""The breach register (issue 13, point 12): an incident gets a deadline of one Kazakhstan
working day to notify the authorised body, reminders to the responsible person through the
outbox, and a record of the notification; staff pages scoped to the district."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from pervichka.core.models import CalendarOverride, Notification
from pervichka.privacy import services
from pervichka.privacy.models import Breach
from tests.clock import ALMATY


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("detected", "due"),
    [
        # A Friday evening: the next working day is Monday.
        (at(2026, 12, 4, 18, 30), at(2026, 12, 7, 18, 30)),
        # The day before Independence Day (Wednesday 16 December): due on Thursday.
        (at(2026, 12, 15, 11, 0), at(2026, 12, 17, 11, 0)),
        # New Year's Eve: 1 January, the weekend and the observed holiday on Monday pass.
        (at(2026, 12, 31, 9, 0), at(2027, 1, 5, 9, 0)),
        # Found on a Saturday: the first working day after it.
        (at(2026, 12, 5, 12, 0), at(2026, 12, 7, 12, 0)),
    ],
)
def test_the_deadline_is_one_working_day(db, detected, due):
    assert services.breach_deadline(detected) == due


def test_an_administrators_transfer_moves_the_deadline(db):
    CalendarOverride.objects.create(date=dt.date(2026, 12, 7), is_working=False)
    assert services.breach_deadline(at(2026, 12, 4, 18, 0)) == at(2026, 12, 8, 18, 0)


def _breach(tree, district_admin, detected=None):
    return services.breach_register(
        actor=district_admin,
        unit=tree.district,
        detected_at=detected or at(2026, 12, 4, 18, 0),
        description="Потерян список членов первички",
        people_affected=40,
        measures="Сменены пароли",
        responsible=district_admin,
    )


def test_registering_tells_the_responsible_person(tree, district_admin):
    district_admin.email = "admin@example.org"
    district_admin.save()
    breach = _breach(tree, district_admin)
    assert breach.notify_due == at(2026, 12, 7, 18, 0)
    [message] = Notification.objects.filter(ref=f"breach:{breach.pk}")
    assert message.to == "admin@example.org"
    assert "07.12.2026 18:00" in message.body


def test_reminders_until_the_notification_is_recorded(tree, district_admin):
    district_admin.email = "admin@example.org"
    district_admin.save()
    breach = _breach(tree, district_admin)
    # Monday 10:00, past half of the time: one reminder, however often the task runs.
    assert services.breaches_remind() == 1
    assert services.breaches_remind() == 0
    with time_machine.travel(at(2026, 12, 8, 19, 0), tick=False):
        assert services.breaches_remind() == 1  # overdue
    services.breach_record_notification(
        actor=district_admin,
        breach=breach,
        notified_at=at(2026, 12, 7, 9, 30),
        how="Письмо в уполномоченный орган",
        reference="исх. 12/345",
    )
    with time_machine.travel(at(2026, 12, 10, 19, 0), tick=False):
        assert services.breaches_remind() == 0
    assert Notification.objects.filter(ref=f"breach:{breach.pk}").count() == 3


def test_the_notification_is_recorded_once_and_not_before_detection(tree, district_admin):
    breach = _breach(tree, district_admin)
    with pytest.raises(ValidationError):
        services.breach_record_notification(
            actor=district_admin, breach=breach, notified_at=at(2026, 12, 1, 9, 0), how="письмо"
        )
    services.breach_record_notification(
        actor=district_admin, breach=breach, notified_at=at(2026, 12, 7, 9, 0), how="письмо"
    )
    breach.refresh_from_db()
    assert (breach.status, breach.notified_how) == ("notified", "письмо")
    with pytest.raises(ValidationError):
        services.breach_record_notification(
            actor=district_admin, breach=breach, notified_at=at(2026, 12, 7, 9, 5), how="ещё"
        )


def test_a_breach_in_the_future_or_with_a_chair_responsible_is_refused(
    tree, district_admin, chair_a
):
    with pytest.raises(ValidationError):
        _breach(tree, district_admin, detected=at(2026, 12, 9, 9, 0))
    with pytest.raises(ValidationError):
        services.breach_register(
            actor=district_admin,
            unit=tree.district,
            detected_at=at(2026, 12, 4, 18, 0),
            description="x",
            people_affected=1,
            measures="",
            responsible=chair_a,
        )


def test_the_pages_record_a_breach_and_its_notification(tree, login, district_admin):
    client = login(district_admin)
    response = client.post(
        reverse("privacy:breaches"),
        {
            "unit": tree.district.pk,
            "detected_at": "2026-12-04T18:00",
            "description": '<script>alert(1)</script>=HYPERLINK("x")',
            "people_affected": 12,
            "measures": "",
            "responsible": district_admin.pk,
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:breach", args=[breach.pk])
    page = client.get(response["Location"]).content
    assert b"<script>alert(1)</script>" not in page
    response = client.post(
        reverse("privacy:breach", args=[breach.pk]),
        {"notified_at": "2026-12-07T09:00", "how": "Письмо", "reference": "12/1"},
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.status == "notified"
    assert breach.notification_ref == "12/1"
    assert str(breach.pk) in client.get(reverse("privacy:breaches")).content.decode()


@pytest.mark.parametrize("outsider", ["other_admin", "chair_a", "auditor", "operator"])
def test_others_get_404(request, tree, login, district_admin, outsider):
    breach = _breach(tree, district_admin)
    client = login(request.getfixturevalue(outsider))
    url = reverse("privacy:breach", args=[breach.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"notified_at": "2026-12-07T09:00", "how": "взлом"})
    assert response.status_code == 404
    breach.refresh_from_db()
    assert breach.status == "open"
    listing = client.get(reverse("privacy:breaches"))
    assert listing.status_code in (200, 404)
    assert "Потерян список".encode() not in listing.content


def test_another_districts_admin_cannot_register_in_ours(tree, login, other_admin):
    response = login(other_admin).post(
        reverse("privacy:breaches"),
        {
            "unit": tree.district.pk,
            "detected_at": "2026-12-04T18:00",
            "description": "x",
            "people_affected": 1,
            "responsible": other_admin.pk,
        },
    )
    assert response.status_code == 200
    assert not Breach.objects.exists()
