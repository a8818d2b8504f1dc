"""The party's projects every installation starts with; districts add targets and events."""

from django.db import migrations

PROJECTS = [
    # code, kind, ru, kk, en, goal ru, goal kk, goal en
    ("tazalike", "greening", "ТазаLike", "ТазаLike", "TazaLike",
     "Экологическая культура: озеленение дворов, улиц, обочин дорог и лесополос силами "
     "жителей и молодёжи, уход за посадками и их приживаемость.",
     "Экологиялық мәдениет: аулаларды, көшелерді, жол жиектерін және орман белдеулерін "
     "тұрғындар мен жастардың күшімен көгалдандыру, көшеттерді күту және олардың жерсінуі.",
     "Ecological culture: greening yards, streets, roadsides and shelter belts with "
     "residents and young people, and caring for the plantings so that they survive."),
    ("socium", "general", "Социум", "Социум", "Socium",
     "Социальная поддержка: помощь пожилым, многодетным семьям, людям с инвалидностью; "
     "благотворительные акции и субботники.",
     "Әлеуметтік қолдау: қарттарға, көпбалалы отбасыларға, мүгедектігі бар адамдарға "
     "көмек; қайырымдылық акциялары мен сенбіліктер.",
     "Social support: help for the elderly, large families and people with disabilities; "
     "charity drives and clean-up days."),
    ("orleu", "general", "Өрлеу", "Өрлеу", "Orleu",
     "Сельская молодёжь: профориентация, занятость, спорт и досуг, вовлечение молодёжи в "
     "жизнь села.",
     "Ауыл жастары: кәсіптік бағдар, жұмыспен қамту, спорт және бос уақыт, жастарды ауыл "
     "өміріне тарту.",
     "Rural youth: career guidance, jobs, sport and leisure, bringing young people into "
     "village life."),
    ("ideas30", "contest", "30 инновационных идей для нового Казахстана",
     "Жаңа Қазақстанға арналған 30 инновациялық идея",
     "30 innovative ideas for a new Kazakhstan",
     "Конкурс идей жителей: 30 лучших по оценке жюри и голосованию жителей получают "
     "поддержку партии.",
     "Тұрғындар идеяларының байқауы: қазылар алқасының бағасы мен тұрғындардың дауысы "
     "бойынша үздік 30 идея партияның қолдауына ие болады.",
     "A contest of residents' ideas: the best 30 by the jury's score and the public vote "
     "get the party's support."),
]


def forwards(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    for code, kind, ru, kk, en, goal, goal_kk, goal_en in PROJECTS:
        Project.objects.get_or_create(code=code, defaults={
            "kind": kind, "name": ru, "name_kk": kk, "name_en": en,
            "goal": goal, "goal_kk": goal_kk, "goal_en": goal_en,
        })


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
