"""Patronymics formed as Russian and Kazakh form them (the demo's names: tests/test_demo.py
reads the seeded demo for them, for holidays and for placeholder links)."""

import pytest

from pervichka.devdata.fake import kazakh_patronymic, russian_patronymic


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
