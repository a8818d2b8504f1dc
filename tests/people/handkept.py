"""A members list as a primary keeps it by hand: every fault of issue 14 in one workbook.

A title merged across the columns, an empty row, the headers on row 3, one "Ф.И.О."
column (in capitals for some), "№", "Дата рождения" and "Примечание" columns and one
column the registry has no place for, IINs with spaces, stored as numbers (a float, a lost
leading zero), dates in five forms and as an Excel serial and as a real date cell, the
placeholder phone "8 700 000 00 00" six times, members noted "выбыл", "умер",
"исключён", "шықты", a joiner of 15, pensioners of 65-76, a birth date that disagrees with
the IIN, a duplicate, a total row, and (when given) a person who is already a member.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import openpyxl

from pervichka.core.iin import generate_iin

TITLE = "Список членов ППО «Талшик» партии AMANAT на 01.12.2026"
HEADER = [
    "№ п/п",
    "Ф.И.О.",
    "ИИН",
    "Дата рождения",
    "Тел.",
    "Дата вступления",
    "Адрес",
    "Примечание",
    "Образование",
]
PLACEHOLDER = "8 700 000 00 00"


def iin(born: dt.date, sex: str, serial: int) -> str:
    return generate_iin(born, sex, serial=serial)


@dataclass
class Person:
    row: int  # the sheet row it is written on
    full_name: str
    iin: str


def _people():
    """(full name, IIN cell value, birth date cell, phone, joined cell, address, note, education)
    and the IIN as it should come out."""
    rows = []

    def add(name, iin_clean, iin_cell, birth, phone, joined, address, note="", edu="среднее"):
        rows.append(((name, iin_cell, birth, phone, joined, address, note, edu), iin_clean))

    a = iin(dt.date(1985, 3, 12), "M", 101)
    add(
        "ИВАНОВ ИВАН ИВАНОВИЧ",
        a,
        f"{a[:6]} {a[6:]}",
        "12.03.1985",
        "8 (701) 234-56-78",
        "15.03.2015",
        "с. Талшик, ул. Абая 5",
    )
    b = iin(dt.date(1990, 5, 1), "F", 102)
    add(
        "Петрова Анна Сергеевна",
        b,
        float(b),
        dt.datetime(1990, 5, 1),
        PLACEHOLDER,
        "3/4/19",
        "Талшик",
    )
    c = iin(dt.date(2003, 4, 5), "F", 103)  # born in 2003: Excel dropped the leading zero
    add("Сейткали Айгерим Маратқызы", c, int(c), "", PLACEHOLDER, "5.6.22", "с.Талшик")
    d = iin(dt.date(1958, 2, 20), "M", 104)  # 68: a pensioner
    add("НУРЛАНОВ СЕРИК ЖАНУЗАКОВИЧ", d, d, "20.02.1958", PLACEHOLDER, "2017-09-01", "Талшик")
    e = iin(dt.date(1950, 7, 7), "F", 105)  # 76: a pensioner
    add(
        "Ким Ольга Викторовна",
        e,
        f"{e[:4]}-{e[4:8]}-{e[8:]}",
        "07.07.1950",
        "+7 777 111 2233",
        43000,
        "",
    )
    f = iin(dt.date(1961, 1, 15), "F", 106)  # 65: a pensioner
    add(
        "Жумабаева Гульнар Ахметовна",
        f,
        f,
        "15.01.1961",
        "87051112233",
        dt.datetime(2012, 11, 20),
        "Талшик",
        "пенсионерка",
    )
    g = iin(dt.date(1975, 9, 9), "M", 107)
    add("Смирнов Павел Олегович", g, g, "09.09.1975", PLACEHOLDER, "01.02.2010", "Талшик", "выбыл")
    h = iin(dt.date(1948, 12, 1), "M", 108)
    add(
        "Омаров Бахыт Касымович",
        h,
        h,
        "01.12.1948",
        PLACEHOLDER,
        "10.10.2008",
        "Талшик",
        "умер 12.05.2024",
    )
    i = iin(dt.date(1980, 6, 30), "M", 109)
    add("Ли Игорь Борисович", i, i, "30.06.1980", "", "11.11.2011", "Талшик", "исключён")
    j = iin(dt.date(1992, 8, 18), "F", 110)
    add(
        "Әбілқасымова Дана Серікқызы",
        j,
        j,
        "18.08.1992",
        "8 747 765 43 20",
        "20.01.2020",
        "Талшық ауылы",
        "шықты",
    )
    k = iin(dt.date(2011, 3, 3), "M", 111)  # joined at 15
    add("Бекенов Алихан Ерланович", k, k, "03.03.2011", "87011234567", "01.09.2026", "Талшик")
    m = iin(dt.date(1988, 10, 10), "M", 112)  # the birth date column says otherwise
    add("Тулегенов Ерлан Маратович", m, m, "10.10.1987", PLACEHOLDER, "12.12.2012", "Талшик")
    n = iin(dt.date(1970, 4, 4), "F", 113)
    add("Сидорова Мария Петровна", n, n, "04.04.1970", "8-702-555-44-33", "15.03.2015", "Талшик")
    rows.append(
        (("Сидорова Мария Петровна", n, "04.04.1970", "", "15.03.2015", "Талшик", "", ""), n)
    )  # the same person twice
    return rows


def build(*, already_member_iin: str | None = None) -> tuple[bytes, dict]:
    """The workbook's bytes and what the test needs to know about it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([])  # row 2 stays empty
    sheet.cell(row=3, column=1)
    for col, text in enumerate(HEADER, start=1):
        sheet.cell(row=3, column=col, value=text)
    people = _people()
    if already_member_iin:
        people.append(
            (
                (
                    "Ахметова Айгерим Маратовна",
                    already_member_iin,
                    "",
                    "",
                    "01.01.2020",
                    "Талшик",
                    "",
                    "",
                ),
                already_member_iin,
            )
        )
    rows: dict[str, int] = {}
    for number, (cells, clean) in enumerate(people, start=1):
        r = 3 + number
        sheet.cell(row=r, column=1, value=number)
        for col, value in enumerate(cells, start=2):
            if value != "":
                sheet.cell(row=r, column=col, value=value)
        rows.setdefault(clean, r)
    total = 3 + len(people) + 1
    sheet.cell(row=total, column=2, value=f"Итого: {len(people)} человек")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), {"rows": rows, "total_row": total, "count": len(people)}
