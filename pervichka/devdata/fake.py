"""Generated people for the demo district, tests and benchmarks. Never real persons.

Names are combined at random from common first names and surname stems, so any match with
a living person is a coincidence of common names; IINs are valid but generated, phone
numbers are valid Kazakhstan mobile numbers drawn at random.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pervichka.core.calendar import calendar
from pervichka.core.iin import generate_iin

KAZAKH_MALE = [
    "Айбек",
    "Алмас",
    "Асхат",
    "Бауыржан",
    "Болат",
    "Дархан",
    "Дәурен",
    "Ерлан",
    "Ержан",
    "Жандос",
    "Кайрат",
    "Марат",
    "Нурлан",
    "Нұрсұлтан",
    "Руслан",
    "Самат",
    "Серик",
    "Талгат",
    "Тимур",
    "Ербол",
    "Мейрам",
    "Қанат",
    "Арман",
    "Әділет",
    "Азамат",
    "Данияр",
    "Ғалым",
]
KAZAKH_FEMALE = [
    "Айгерим",
    "Айжан",
    "Асель",
    "Гульнара",
    "Динара",
    "Жанар",
    "Жулдыз",
    "Камила",
    "Меруерт",
    "Назерке",
    "Салтанат",
    "Сауле",
    "Толкын",
    "Умит",
    "Әсем",
    "Гүлнұр",
    "Ақмарал",
    "Дана",
    "Аружан",
    "Мадина",
    "Шынар",
    "Индира",
    "Ботагөз",
]
KAZAKH_SURNAMES = [
    "Абдрахманов",
    "Ахметов",
    "Байжанов",
    "Бекмухамбетов",
    "Букеев",
    "Жумабаев",
    "Есенгельдин",
    "Ибраев",
    "Касымов",
    "Кенжебеков",
    "Муканов",
    "Нурмагамбетов",
    "Оспан",
    "Сагындыков",
    "Сейткали",
    "Тулегенов",
    "Утегенов",
    "Шаймерденов",
    "Ержанов",
    "Искаков",
    "Калиев",
    "Мусин",
    "Рахимжанов",
    "Сәрсенбай",
    "Төлеуов",
]
RUSSIAN_MALE = [
    "Александр",
    "Алексей",
    "Андрей",
    "Виктор",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Максим",
    "Михаил",
    "Николай",
    "Олег",
    "Павел",
    "Сергей",
    "Юрий",
    "Игорь",
    "Константин",
]
RUSSIAN_FEMALE = [
    "Анна",
    "Валентина",
    "Галина",
    "Екатерина",
    "Елена",
    "Ирина",
    "Людмила",
    "Марина",
    "Наталья",
    "Ольга",
    "Светлана",
    "Татьяна",
    "Юлия",
    "Оксана",
    "Надежда",
    "Вера",
]
RUSSIAN_SURNAMES = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Волков",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Павлов",
    "Семенов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Ткачев",
    "Шевченко",
    "Бондаренко",
    "Гринь",
]
STREETS = [
    "ул. Абая",
    "ул. Бейбитшилик",
    "ул. Достык",
    "ул. Школьная",
    "ул. Целинная",
    "ул. Мира",
    "ул. Молодёжная",
    "ул. Жамбыла",
    "ул. Сейфуллина",
    "ул. Степная",
]
# Mobile operator codes that phonenumbers accepts for Kazakhstan.
MOBILE_CODES = ["700", "701", "702", "705", "707", "747", "771", "775", "776", "777", "778"]


@dataclass
class FakePerson:
    surname: str
    name: str
    patronymic: str
    sex: str
    birth_date: dt.date
    iin: str
    phone: str
    address: str


def _surname(male_form: str, sex: str) -> str:
    if sex == "F" and male_form.endswith(("ов", "ев", "ин")):
        return male_form + "а"
    return male_form


# Russian patronymics that no suffix rule gives: a fleeting vowel (Павел → Павлович) or a stem
# that changes (Михаил → Михайлович); -ий after one consonant takes -ьевич (Юрьевич).
RUSSIAN_PATRONYMIC_STEMS = {
    "Павел": "Павл",
    "Лев": "Львов",
    "Пётр": "Петр",
    "Михаил": "Михайл",
    "Дмитрий": "Дмитриев",
    "Евгений": "Евгеньев",
    "Юрий": "Юрьев",
    "Василий": "Васильев",
    "Анатолий": "Анатольев",
    "Валерий": "Валерьев",
    "Григорий": "Григорьев",
}
KAZAKH_LETTERS = set("әғқңөұүһі")


def russian_patronymic(father: str, sex: str) -> str:
    """Павел → Павлович / Павловна, Сергей → Сергеевич, Юрий → Юрьевич, Игорь → Игоревич."""
    male = sex == "M"
    stem = RUSSIAN_PATRONYMIC_STEMS.get(father)
    if stem is not None:
        if stem.endswith(("ев", "ов")):
            return stem + ("ич" if male else "на")
        return stem + ("ович" if male else "овна")
    if father.endswith("ий"):
        return father[:-2] + ("ьевич" if male else "ьевна")
    if father.endswith("й"):  # Сергей, Андрей, Алексей, Николай
        return father[:-1] + ("евич" if male else "евна")
    if father.endswith("ь"):  # Игорь
        return father[:-1] + ("евич" if male else "евна")
    if father[-1] in "аяеиоуыэю":
        return father + ("евич" if male else "евна")
    return father + ("ович" if male else "овна")


def kazakh_patronymic(father: str, sex: str) -> str:
    """The Kazakh form, written as one word: Айбекұлы, Айбекқызы."""
    return father + ("ұлы" if sex == "M" else "қызы")


def _patronymic(father: str, sex: str, kazakh: bool, rng: random.Random) -> str:
    # A Kazakh father's name with Kazakh letters reads wrong with a Russian suffix.
    if kazakh and (rng.random() < 0.5 or KAZAKH_LETTERS & set(father.lower())):
        return kazakh_patronymic(father, sex)
    return russian_patronymic(father, sex)


def next_working_day(day: dt.date) -> dt.date:
    """`day`, or the first working day after it (the project's calendar: holidays, weekends
    and declared transfers): no field reception or lesson on 1 January."""
    cal = calendar()
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def not_on_a_holiday(day: dt.date) -> dt.date:
    """`day`, or later if it is a public holiday on a weekday (events may fall on weekends)."""
    cal = calendar()
    while day.weekday() < 5 and not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def fake_phone(rng: random.Random) -> str:
    return f"+7{rng.choice(MOBILE_CODES)}{rng.randrange(10**7):07d}"


def fake_person(
    rng: random.Random,
    *,
    min_age: int = 18,
    max_age: int = 75,
    today: dt.date | None = None,
    serial: int | None = None,
) -> FakePerson:
    """A plausible resident of a North Kazakhstan village: Kazakh or Russian name, valid IIN."""
    today = today or dt.date.today()
    sex = rng.choice("MF")
    kazakh = rng.random() < 0.6
    if kazakh:
        name = rng.choice(KAZAKH_MALE if sex == "M" else KAZAKH_FEMALE)
        surname = _surname(rng.choice(KAZAKH_SURNAMES), sex)
        father = rng.choice(KAZAKH_MALE)
    else:
        name = rng.choice(RUSSIAN_MALE if sex == "M" else RUSSIAN_FEMALE)
        surname = _surname(rng.choice(RUSSIAN_SURNAMES), sex)
        father = rng.choice(RUSSIAN_MALE)
    age_days = rng.randrange(min_age * 365 + 1, max_age * 365)
    birth_date = today - dt.timedelta(days=age_days)
    return FakePerson(
        surname=surname,
        name=name,
        patronymic=_patronymic(father, sex, kazakh, rng),
        sex=sex,
        birth_date=birth_date,
        iin=generate_iin(birth_date, sex, rng=rng, serial=serial),
        phone=fake_phone(rng),
        address=f"{rng.choice(STREETS)}, {rng.randrange(1, 80)}",
    )
