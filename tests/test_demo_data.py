"""The demo reads as real data would: patronymics formed as Russian and Kazakh form them, no
reception, lesson or event on a public holiday, no link to a placeholder domain."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from pervichka.accounts.models import User
from pervichka.appeals.models import FieldReception
from pervichka.core.calendar import calendar
from pervichka.devdata.fake import kazakh_patronymic, russian_patronymic
from pervichka.people.models import Person
from pervichka.projects.models import Event
from pervichka.promises.models import PromiseUpdate
from pervichka.training.models import Module, Session


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        ("Павел", "Павлович", "Павловна"),
        ("Михаил", "Михайлович", "Михайловна"),
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Евгений", "Евгеньевич", "Евгеньевна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Иван", "Иванович", "Ивановна"),
        ("Лев", "Львович", "Львовна"),
    ],
)
def test_russian_patronymics(father, son, daughter):
    assert russian_patronymic(father, "M") == son
    assert russian_patronymic(father, "F") == daughter


def test_kazakh_patronymics_are_one_word():
    assert kazakh_patronymic("Айбек", "M") == "Айбекұлы"
    assert kazakh_patronymic("Нұрсұлтан", "F") == "Нұрсұлтанқызы"


@pytest.mark.django_db
def test_the_demo_has_right_patronymics_no_holiday_events_and_no_placeholder_links():
    call_command("seed_demo", stdout=io.StringIO())
    wrong = re.compile(r"Павел|Михаилов|ийев|ийов|ейов|\s(ұлы|қызы)$|ьов")
    patronymics = set(Person.objects.values_list("patronymic", flat=True))
    assert [p for p in patronymics if wrong.search(p)] == []
    assert any(p.endswith("ұлы") for p in patronymics)

    cal = calendar()
    receptions = [timezone.localtime(r.starts_at).date() for r in FieldReception.objects.all()]
    sessions = [timezone.localtime(s.starts_at).date() for s in Session.objects.all()]
    assert receptions
    assert sessions
    assert [d for d in receptions + sessions if not cal.is_working_day(d)] == []
    events = Event.objects.values_list("date", flat=True)
    assert [d for d in events if d.weekday() < 5 and not cal.is_working_day(d)] == []

    placeholder = re.compile(r"example\.(com|org|net|kz)")
    texts = [
        *PromiseUpdate.objects.values_list("link", flat=True),
        *Module.objects.values_list("material_url", flat=True),
        *User.objects.values_list("email", flat=True),
    ]
    assert [t for t in texts if placeholder.search(t or "")] == []
