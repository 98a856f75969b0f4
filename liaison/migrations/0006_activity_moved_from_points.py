"""Congress activities move to liaison, the ground floor, with their table: a concern
(petitions, floor 2) links to the activity it came from, and petitions may not import points
(floor 3). Only the model state and the content type move; the table keeps its name."""

import django.db.models.deletion
from django.db import migrations, models


def _relabel(apps, old, new):
    # Permissions and admin log entries point at the content type: relabelling it keeps the
    # permissions staff groups already hold.
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="activity").exists():
        ContentType.objects.filter(app_label=old, model="activity").update(app_label=new)


def move_content_type(apps, schema_editor):
    _relabel(apps, "points", "liaison")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, "liaison", "points")


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0005_labels_for_view_places_and_email'),
        # The table was created by points; the state moves here after all its migrations.
        ('points', '0007_admin_list_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays as it is: only Django's idea of which app owns it moves.
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Activity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('session', "people's congress session"), ('standing_meeting', 'standing committee meeting'), ('lecture', '人大讲堂 lecture'), ('training', 'other training'), ('inspection', 'inspection or research'), ('law_check', 'law-enforcement check'), ('director_reception', 'director receives representatives'), ('face_to_face', 'representatives meet bureau chiefs'), ('briefing', 'work briefing'), ('outreach', 'outreach visit'), ('duty_report', 'report to voters')], max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('date', models.DateField(db_index=True, verbose_name='date')),
                ('place', models.CharField(blank=True, max_length=120, verbose_name='place')),
                ('organiser', models.CharField(blank=True, max_length=80, verbose_name='organiser')),
                ('is_cancelled', models.BooleanField(default=False, verbose_name='cancelled')),
                ('station', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='liaison.station', verbose_name='station')),
            ],
            options={
                'verbose_name': 'activity',
                'verbose_name_plural': 'activities',
                'db_table': 'points_activity',
                'ordering': ['-date', 'pk'],
            },
        ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
