"""Staff scopes and handling units (who a user is) and duty rosters (a station's reception
days) move to liaison, the ground floor, with their tables: petitions and points created them, so
this comes after their migrations, and only the model state and the content types move."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = {"petitions": ("handlingunit", "staffscope"), "points": ("dutyday", "dutyshift")}


def _relabel(apps, moves):
    # Permissions and admin log entries point at the content type: relabelling it keeps the
    # permissions staff groups already hold.
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new, models_ in moves:
        for model in models_:
            if not ContentType.objects.filter(app_label=new, model=model).exists():
                ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, [(app, "liaison", models_) for app, models_ in MOVED.items()])


def move_content_types_back(apps, schema_editor):
    _relabel(apps, [("liaison", app, models_) for app, models_ in MOVED.items()])


class Migration(migrations.Migration):

    dependencies = [
        # The tables were created by these; the state moves here after them.
        ('petitions', '0002_default_data'),
        ('points', '0003_year_end_reports_speed'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('liaison', '0002_default_rating_criteria'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='DutyDay',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(db_index=True, verbose_name='date')),
                    ('hours', models.CharField(default='9:00–12:00', max_length=40, verbose_name='hours')),
                    ('is_cancelled', models.BooleanField(default=False, verbose_name='cancelled')),
                    ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_days', to='liaison.station', verbose_name='station')),
                ],
                options={
                    'verbose_name': 'duty day',
                    'verbose_name_plural': 'duty days',
                    'db_table': 'points_dutyday',
                    'ordering': ['date', 'station'],
                },
            ),
            migrations.CreateModel(
                name='DutyShift',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('served', models.BooleanField(default=False, verbose_name='served')),
                    ('duty_day', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shifts', to='liaison.dutyday', verbose_name='duty day')),
                    ('representative', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_shifts', to='liaison.representative', verbose_name='representative')),
                ],
                options={
                    'verbose_name': 'duty shift',
                    'verbose_name_plural': 'duty shifts',
                    'db_table': 'points_dutyshift',
                    'ordering': ['duty_day__date'],
                },
            ),
            migrations.CreateModel(
                name='HandlingUnit',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=60, unique=True, verbose_name='name')),
                    ('kind', models.CharField(choices=[('town_government', 'town government'), ('county_department', 'county department'), ('government', 'county government'), ('court', 'county court'), ('procuratorate', 'county procuratorate')], max_length=20, verbose_name='kind')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='notification e-mail')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('members', models.ManyToManyField(blank=True, related_name='handling_units', to=settings.AUTH_USER_MODEL, verbose_name='members')),
                    ('town', models.ForeignKey(blank=True, help_text='Only for town governments.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='units', to='liaison.town', verbose_name='town')),
                ],
                options={
                    'verbose_name': 'handling unit',
                    'verbose_name_plural': 'handling units',
                    'db_table': 'petitions_handlingunit',
                    'ordering': ['kind', 'name'],
                },
            ),
            migrations.CreateModel(
                name='StaffScope',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.CharField(choices=[('county', 'county congress staff'), ('town', 'town congress staff'), ('station', 'station staff')], max_length=8, verbose_name='level')),
                    ('station', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='liaison.station', verbose_name='station')),
                    ('town', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='liaison.town', verbose_name='town')),
                    ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_scope', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ],
                options={
                    'verbose_name': 'staff scope',
                    'verbose_name_plural': 'staff scopes',
                    'db_table': 'petitions_staffscope',
                },
            ),
            migrations.AddConstraint(
                model_name='dutyday',
                constraint=models.UniqueConstraint(fields=('station', 'date'), name='dutyday_once_per_station_date'),
            ),
            migrations.AddConstraint(
                model_name='dutyshift',
                constraint=models.UniqueConstraint(fields=('duty_day', 'representative'), name='dutyshift_once_per_day'),
            ),
            migrations.AddConstraint(
                model_name='staffscope',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('level', 'county'), ('station__isnull', True), ('town__isnull', True)), models.Q(('level', 'town'), ('station__isnull', True), ('town__isnull', False)), models.Q(('level', 'station'), ('station__isnull', False)), _connector='OR'), name='staffscope_fields_match_level'),
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
