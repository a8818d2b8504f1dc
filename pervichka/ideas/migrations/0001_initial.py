"""The ideas contest, taken over from the projects app with its tables.

The tables were created by projects.0001 and keep their names (db_table); this migration
only tells Django that the ideas app owns them (projects.0004 gave them up), so every row
of an existing database stays. The content types follow the models.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MODELS = ['contest', 'jurycriterion', 'idea', 'historicalidea', 'juryscore', 'vote', 'votechallenge']

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
        ('people', '0003_field_labels'),
        ('projects', '0004_plantings_and_ideas_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (projects_*): only Django's idea of which
        # app owns the models changes, so no row is copied and none can be lost.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Contest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('submit_until', models.DateField(verbose_name='ideas accepted until')),
                        ('vote_until', models.DateField(verbose_name='voting open until')),
                        ('jury_share', models.DecimalField(decimal_places=2, default=0.7, max_digits=3, verbose_name='share of the jury in the combined score')),
                        ('shortlist_size', models.PositiveSmallIntegerField(default=30, verbose_name='shortlist size')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contests', to='orgs.orgunit', verbose_name='district')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contests', to='projects.project', verbose_name='project')),
                    ],
                    options={
                        'verbose_name': 'ideas contest',
                        'verbose_name_plural': 'ideas contests',
                        'db_table': 'projects_contest',
                        'ordering': ['-year'],
                    },
                ),
                migrations.CreateModel(
                    name='Idea',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('text', models.TextField(verbose_name='the idea')),
                        ('status', models.CharField(choices=[('submitted', 'submitted, awaiting moderation'), ('published', 'published'), ('rejected', 'rejected'), ('merged', 'merged into another idea')], default='submitted', max_length=10, verbose_name='status')),
                        ('status_reason', models.TextField(blank=True, verbose_name='reason')),
                        ('code', models.CharField(max_length=12, unique=True, verbose_name='idea code')),
                        ('language', models.CharField(default='ru', max_length=2)),
                        ('idempotency_key', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                        ('submitted_at', models.DateTimeField(auto_now_add=True)),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('votes_count', models.PositiveIntegerField(default=0, verbose_name='votes')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ideas', to='people.person', verbose_name='author')),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ideas', to='ideas.contest', verbose_name='contest')),
                        ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged', to='ideas.idea', verbose_name='merged into')),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('settlement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.settlement', verbose_name='settlement')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ideas', to='orgs.orgunit', verbose_name='organization')),
                    ],
                    options={
                        'verbose_name': 'idea',
                        'verbose_name_plural': 'ideas',
                        'db_table': 'projects_idea',
                        'ordering': ['-submitted_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalIdea',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('text', models.TextField(verbose_name='the idea')),
                        ('status', models.CharField(choices=[('submitted', 'submitted, awaiting moderation'), ('published', 'published'), ('rejected', 'rejected'), ('merged', 'merged into another idea')], default='submitted', max_length=10, verbose_name='status')),
                        ('status_reason', models.TextField(blank=True, verbose_name='reason')),
                        ('code', models.CharField(db_index=True, max_length=12, verbose_name='idea code')),
                        ('language', models.CharField(default='ru', max_length=2)),
                        ('idempotency_key', models.CharField(blank=True, db_index=True, max_length=64, null=True)),
                        ('submitted_at', models.DateTimeField(blank=True, editable=False)),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('author', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='people.person', verbose_name='author')),
                        ('contest', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='ideas.contest', verbose_name='contest')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('moderated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('settlement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.settlement', verbose_name='settlement')),
                        ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.orgunit', verbose_name='organization')),
                        ('merged_into', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='ideas.idea', verbose_name='merged into')),
                    ],
                    options={
                        'verbose_name': 'historical idea',
                        'verbose_name_plural': 'historical ideas',
                        'db_table': 'projects_historicalidea',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='JuryCriterion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='name (Russian)')),
                        ('name_kk', models.CharField(blank=True, max_length=255, verbose_name='name (Kazakh)')),
                        ('name_en', models.CharField(blank=True, max_length=255, verbose_name='name (English)')),
                        ('weight', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='weight')),
                        ('max_score', models.PositiveSmallIntegerField(default=10, verbose_name='highest score')),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='ideas.contest', verbose_name='contest')),
                    ],
                    options={
                        'verbose_name': 'jury criterion',
                        'verbose_name_plural': 'jury criteria',
                        'db_table': 'projects_jurycriterion',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='JuryScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                        ('scored_at', models.DateTimeField(auto_now=True)),
                        ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='ideas.jurycriterion')),
                        ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='ideas.idea')),
                        ('juror', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'jury score',
                        'verbose_name_plural': 'jury scores',
                        'db_table': 'projects_juryscore',
                    },
                ),
                migrations.CreateModel(
                    name='Vote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('voter', models.CharField(max_length=64)),
                        ('voted_at', models.DateTimeField(auto_now_add=True)),
                        ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='ideas.idea')),
                    ],
                    options={
                        'verbose_name': 'vote',
                        'verbose_name_plural': 'votes',
                        'db_table': 'projects_vote',
                    },
                ),
                migrations.CreateModel(
                    name='VoteChallenge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('voter', models.CharField(max_length=64)),
                        ('code_hash', models.CharField(max_length=64)),
                        ('token', models.CharField(max_length=40, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('expires_at', models.DateTimeField()),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ideas.idea')),
                    ],
                    options={
                        'db_table': 'projects_votechallenge',
                    },
                ),
                migrations.AddConstraint(
                    model_name='contest',
                    constraint=models.UniqueConstraint(fields=('district', 'year'), name='contest_district_year'),
                ),
                migrations.AddConstraint(
                    model_name='contest',
                    constraint=models.CheckConstraint(condition=models.Q(('jury_share__gte', 0), ('jury_share__lte', 1)), name='contest_share_range'),
                ),
                migrations.AddIndex(
                    model_name='idea',
                    index=models.Index(fields=['contest', 'status'], name='idea_contest_status'),
                ),
                migrations.AddConstraint(
                    model_name='jurycriterion',
                    constraint=models.CheckConstraint(condition=models.Q(('weight__gt', 0)), name='criterion_weight_pos'),
                ),
                migrations.AddConstraint(
                    model_name='jurycriterion',
                    constraint=models.CheckConstraint(condition=models.Q(('max_score__gt', 0)), name='criterion_max_pos'),
                ),
                migrations.AddConstraint(
                    model_name='juryscore',
                    constraint=models.UniqueConstraint(fields=('idea', 'criterion', 'juror'), name='score_unique'),
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.UniqueConstraint(fields=('idea', 'voter'), name='vote_once'),
                ),
                migrations.AddIndex(
                    model_name='votechallenge',
                    index=models.Index(fields=['voter', 'created_at'], name='challenge_voter_time'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            _move_content_types("projects", "ideas"),
            _move_content_types("ideas", "projects"),
        ),
    ]
