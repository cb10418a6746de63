from django.db import migrations, models


class Migration(migrations.Migration):
    """When each programme's month of rollups last changed, for the report
    cache's keys: every month already rolled up is stamped now."""

    dependencies = [
        ('reports', '0004_period_people'),
    ]

    operations = [
        migrations.CreateModel(
            name='RollupStamp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme_id', models.BigIntegerField()),
                ('month', models.DateField()),
                ('changed', models.DateTimeField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('programme_id', 'month'), name='rollupstamp_one')],
            },
        ),
        migrations.RunSQL(
            """INSERT INTO reports_rollupstamp (programme_id, month, changed)
               SELECT programme_id, month, CURRENT_TIMESTAMP FROM (
                   SELECT programme_id, month FROM reports_cellrollup
                   UNION SELECT programme_id, month FROM reports_periodpeople) k""",
            migrations.RunSQL.noop),
    ]
