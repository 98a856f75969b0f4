"""Congress activities now belong to liaison (see liaison 0006): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0006_activity_moved_from_points'),
        ('points', '0009_outreach_visit_rule'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: the attendance's key already points at points_activity.
            database_operations=[],
            state_operations=[
        migrations.AlterField(
            model_name='attendance',
            name='activity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='liaison.activity', verbose_name='activity'),
        ),
        migrations.DeleteModel(
            name='Activity',
        ),
            ],
        ),
    ]
