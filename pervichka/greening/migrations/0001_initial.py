"""ТазаLike's plantings, taken over from the projects app with their tables.

The tables were created by projects.0001 and keep their names (db_table); this migration
only tells Django that the greening app owns them (projects.0004 gave them up), so every
row of an existing database stays. The content types follow the models.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MODELS = ['planting', 'historicalplanting', 'survivalcheck']

def _move_content_types(source: str, target: str):
    """Admin log entries and permissions point at content types: keep them pointing at the
    same models by renaming the app of their content types (none exist yet on a new
    database; Django creates them after the migration)."""

    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        rows = content_type.objects.using(schema_editor.connection.alias)
        for model in MODELS:
            if not rows.filter(app_label=target, model=model).exists():
                rows.filter(app_label=source, model=model).update(app_label=target)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orgs', '0003_field_labels'),
        ('projects', '0004_plantings_and_ideas_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (projects_*): only Django's idea of which
        # app owns the models changes, so no row is copied and none can be lost.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalPlanting',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('planted_on', models.DateField(verbose_name='planted on')),
                        ('species', models.CharField(max_length=120, verbose_name='species')),
                        ('count', models.PositiveIntegerField(verbose_name='number planted')),
                        ('site_kind', models.CharField(choices=[('yard', 'yard of a house'), ('street', 'street'), ('roadside', 'roadside'), ('school', 'school grounds'), ('shelter_belt', 'shelter belt'), ('other', 'other place')], max_length=14, verbose_name='kind of site')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                        ('planted_by', models.CharField(max_length=255, verbose_name='who planted')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('event', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.event', verbose_name='event')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('primary', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.orgunit', verbose_name='primary organization')),
                        ('project', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project', verbose_name='project')),
                        ('settlement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.settlement', verbose_name='settlement')),
                    ],
                    options={
                        'verbose_name': 'historical planting',
                        'verbose_name_plural': 'historical plantings',
                        'db_table': 'projects_historicalplanting',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Planting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('planted_on', models.DateField(verbose_name='planted on')),
                        ('species', models.CharField(max_length=120, verbose_name='species')),
                        ('count', models.PositiveIntegerField(verbose_name='number planted')),
                        ('site_kind', models.CharField(choices=[('yard', 'yard of a house'), ('street', 'street'), ('roadside', 'roadside'), ('school', 'school grounds'), ('shelter_belt', 'shelter belt'), ('other', 'other place')], max_length=14, verbose_name='kind of site')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                        ('planted_by', models.CharField(max_length=255, verbose_name='who planted')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='plantings', to='projects.event', verbose_name='event')),
                        ('primary', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plantings', to='orgs.orgunit', verbose_name='primary organization')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plantings', to='projects.project', verbose_name='project')),
                        ('settlement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.settlement', verbose_name='settlement')),
                    ],
                    options={
                        'verbose_name': 'planting',
                        'verbose_name_plural': 'plantings',
                        'db_table': 'projects_planting',
                        'ordering': ['-planted_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SurvivalCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('checked_on', models.DateField(verbose_name='checked on')),
                        ('alive', models.PositiveIntegerField(verbose_name='alive')),
                        ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('checked_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('planting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checks', to='greening.planting', verbose_name='planting')),
                    ],
                    options={
                        'verbose_name': 'survival check',
                        'verbose_name_plural': 'survival checks',
                        'db_table': 'projects_survivalcheck',
                        'ordering': ['-checked_on', '-pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='planting',
                    index=models.Index(fields=['primary', 'planted_on'], name='planting_primary_date'),
                ),
                migrations.AddConstraint(
                    model_name='planting',
                    constraint=models.CheckConstraint(condition=models.Q(('count__gt', 0)), name='planting_count_pos'),
                ),
                migrations.AddIndex(
                    model_name='survivalcheck',
                    index=models.Index(fields=['planting', 'checked_on'], name='check_planting_date'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            _move_content_types("projects", "greening"),
            _move_content_types("greening", "projects"),
        ),
    ]
