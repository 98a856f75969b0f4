"""Staff intake (issue 9): the date a concern was received, a real key to the activity it came
from (the activity now lives in liaison, a floor below), the letter and 12345 channels, and
scanned letters."""

import django.db.models.deletion
import django.utils.timezone
import petitions.models.concern
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import TruncDate


def copy_dates_and_activities(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Activity = apps.get_model("liaison", "Activity")
    # An existing concern was received the day it was created (in the county's time zone:
    # TruncDate uses the current one, Asia/Shanghai).
    Petition.objects.update(received_on=TruncDate("created_at"))
    # The old column held a bare id; only ids of activities that still exist become keys.
    Petition.objects.filter(old_source_activity_id__in=Activity.objects.values("pk")).update(
        source_activity_id=F("old_source_activity_id")
    )


def copy_activities_back(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Petition.objects.update(old_source_activity_id=F("source_activity_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0006_activity_moved_from_points'),
        ('petitions', '0011_outreach_visits_and_receptions_on_their_own'),
    ]

    operations = [
        # The old bare id makes way for the key's own column (source_activity_id).
        migrations.RenameField(
            model_name='petition',
            old_name='source_activity_id',
            new_name='old_source_activity_id',
        ),
        migrations.AddField(
            model_name='petition',
            name='received_on',
            field=models.DateField(null=True, verbose_name='day received'),
        ),
        migrations.AddField(
            model_name='petition',
            name='source_activity',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='petitions', to='liaison.activity', verbose_name='activity it came from'),
        ),
        migrations.RunPython(copy_dates_and_activities, copy_activities_back),
        migrations.AlterField(
            model_name='petition',
            name='received_on',
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name='day received'),
        ),
        migrations.RemoveField(
            model_name='petition',
            name='old_source_activity_id',
        ),
        migrations.AlterField(
            model_name='petition',
            name='channel',
            field=models.CharField(choices=[('qr', "representative's QR code"), ('station_page', "station's online page"), ('reception', 'reception at a station'), ('outreach', 'outreach visit'), ('snapshot', "representative's snapshot (随手拍)"), ('activity', 'congress activity'), ('petition_hall', 'petition hall'), ('phone', 'phone call'), ('letter', 'letter'), ('hotline_12345', '12345 hotline')], max_length=16, verbose_name='channel'),
        ),
        migrations.CreateModel(
            name='ScannedLetter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(upload_to=petitions.models.concern.letter_upload_to, verbose_name='file')),
                ('name', models.CharField(max_length=120, verbose_name='file name')),
                ('pages', models.PositiveSmallIntegerField(default=0, verbose_name='pages')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('petition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='letters', to='petitions.petition', verbose_name='concern')),
            ],
            options={
                'verbose_name': 'scanned letter',
                'verbose_name_plural': 'scanned letters',
                'ordering': ['pk'],
            },
        ),
    ]
