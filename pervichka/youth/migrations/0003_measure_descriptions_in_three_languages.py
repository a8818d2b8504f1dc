"""What each support measure gives, in Kazakh and English beside Russian; the national
measures seeded by 0002 get their texts (a district's own are left as they are)."""

from django.db import migrations, models

DESCRIPTIONS = {
    "diploma_to_village": (
        "Денсаулық сақтау, білім беру, мәдениет, спорт, АӨК мамандарына ауылға жұмысқа "
        "көшкенде 100 АЕК көлемінде көтерме жәрдемақы және тұрғын үй сатып алуға бюджеттік "
        "кредит.",
        "A lifting allowance of 100 MRP and a budget housing loan for specialists in health, "
        "education, culture, sport and agriculture who move to work in a village.",
    ),
    "job_centre": (
        "Жұмыспен қамту орталығының бос орындар базасы бойынша жұмыс іріктеу; жұмыссыз "
        "ретінде тіркеу.",
        "Job matching from the employment centre's vacancies; registration as unemployed.",
    ),
    "youth_practice": (
        "Соңғы үш жылдағы колледж және ЖОО түлектеріне жұмыс берушіде 12 айға дейін ақылы "
        "практика.",
        "Paid practice at an employer for up to 12 months for graduates of colleges and "
        "universities of the last three years.",
    ),
    "first_job": (
        "Жұмыс тәжірибесі жоқ жастарға 18 айға дейін субсидияланатын жұмыс орны.",
        "A subsidised job for up to 18 months for young people without work experience.",
    ),
    "generations_contract": (
        "Зейнет алды жасындағы қызметкердің жұмыс орнындағы тәлімгерлігі.",
        "Mentoring at the workplace by an employee close to retirement age.",
    ),
    "public_works": (
        "Абаттандыру бойынша уақытша ақылы жұмыс.",
        "Temporary paid work on improving public spaces.",
    ),
    "training": (
        "Сұранысқа ие кәсіптер бойынша сертификат берілетін курстар.",
        "Courses in professions in demand, with a certificate.",
    ),
    "resource_centre": (
        "Психолог пен заңгердің кеңесі, кәсіби бағдар, еріктілік.",
        "Advice from a psychologist and a lawyer, career guidance, volunteering.",
    ),
    "sport_leisure": (
        "Бастауыш ұйымдар жанындағы секциялар, турнирлер, қызығушылық клубтары.",
        "Sports sections, tournaments and hobby clubs at the primaries.",
    ),
}


def forwards(apps, schema_editor):
    Measure = apps.get_model("youth", "SupportMeasure")
    for code, (kk, en) in DESCRIPTIONS.items():
        Measure.objects.filter(district=None, code=code, description_kk="").update(
            description_kk=kk, description_en=en
        )


class Migration(migrations.Migration):
    dependencies = [
        ("youth", "0002_catalog"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportmeasure",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="what it gives (English)"),
        ),
        migrations.AddField(
            model_name="supportmeasure",
            name="description_kk",
            field=models.TextField(blank=True, verbose_name="what it gives (Kazakh)"),
        ),
        migrations.AlterField(
            model_name="supportmeasure",
            name="description",
            field=models.TextField(blank=True, verbose_name="what it gives (Russian)"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
