"""What a course teaches, in Kazakh and English beside Russian."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='course',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='what it teaches (English)'),
        ),
        migrations.AddField(
            model_name='course',
            name='description_kk',
            field=models.TextField(blank=True, verbose_name='what it teaches (Kazakh)'),
        ),
    ]
