"""The support measures that exist for young people in Kazakhstan, and the MRP of recent
years (the budget law's monthly calculation index), so a new installation starts with
them; districts edit and add their own."""

from decimal import Decimal

from django.db import migrations

MEASURES = [
    # code, ru, kk, en, min, max, education, where, only NEET, graduated within, MRP, what
    ("diploma_to_village", "«С дипломом в село»", "«Дипломмен – ауылға!»",
     "“With a diploma to the village”", 18, 29, ["vocational", "higher"], "village", False,
     None, "100",
     "Подъёмное пособие в размере 100 МРП и бюджетный кредит на жильё для специалистов "
     "здравоохранения, образования, культуры, спорта, АПК, переехавших работать в село."),
    ("job_centre", "Вакансии центра занятости", "Халықты жұмыспен қамту орталығының "
     "бос орындары", "Employment centre vacancies", 16, 29, [], "any", True, None, None,
     "Подбор работы по базе вакансий центра занятости; регистрация безработным."),
    ("youth_practice", "«Молодёжная практика»", "«Жастар практикасы»", "“Youth practice”",
     18, 29, ["vocational", "higher"], "any", True, 3, None,
     "Оплачиваемая практика у работодателя до 12 месяцев для выпускников колледжей и вузов "
     "последних трёх лет."),
    ("first_job", "«Первое рабочее место»", "«Алғашқы жұмыс орны»", "“First job”", 18, 29, [],
     "any", True, None, None,
     "Субсидированное рабочее место для молодёжи без опыта работы до 18 месяцев."),
    ("generations_contract", "«Контракт поколений»", "«Ұрпақтар келісімшарты»",
     "“Generations contract”", 18, 29, [], "any", True, None, None,
     "Наставничество работника предпенсионного возраста на рабочем месте."),
    ("public_works", "Общественные работы", "Қоғамдық жұмыстар", "Public works", 18, 29, [],
     "any", True, None, None, "Временная оплачиваемая работа по благоустройству."),
    ("training", "Краткосрочное профессиональное обучение", "Қысқа мерзімді кәсіптік "
     "оқыту", "Short vocational training", 16, 29, [], "any", False, None, None,
     "Курсы по востребованным профессиям с выдачей сертификата."),
    ("resource_centre", "Молодёжный ресурсный центр", "Жастар ресурстық орталығы",
     "Youth resource centre", 14, 29, [], "any", False, None, None,
     "Консультации психолога и юриста, профориентация, волонтёрство."),
    ("sport_leisure", "Спорт и досуг", "Спорт және бос уақыт", "Sport and leisure", 14, 29,
     [], "any", False, None, None, "Секции, турниры, клубы по интересам при первичках."),
]
MRP = {2024: "3692", 2025: "3932", 2026: "4325"}


def forwards(apps, schema_editor):
    Measure = apps.get_model("youth", "SupportMeasure")
    Mrp = apps.get_model("youth", "MRP")
    for order, row in enumerate(MEASURES):
        (code, ru, kk, en, min_age, max_age, education, where, only_neet, within, mrp,
         description) = row
        Measure.objects.get_or_create(district=None, code=code, defaults={
            "name": ru, "name_kk": kk, "name_en": en, "min_age": min_age, "max_age": max_age,
            "education": education, "settlement_kind": where, "only_neet": only_neet,
            "graduated_within_years": within,
            "benefit_mrp": Decimal(mrp) if mrp else None, "description": description,
            "order": order,
        })
    for year, value in MRP.items():
        Mrp.objects.get_or_create(year=year, defaults={"value": Decimal(value)})


class Migration(migrations.Migration):
    dependencies = [("youth", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
