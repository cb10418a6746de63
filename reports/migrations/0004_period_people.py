from django.db import migrations, models


class Migration(migrations.Migration):
    """A quarter's and a year's people counted in advance, as a month's were:
    MonthPeople becomes PeriodPeople, with the length of its period."""

    dependencies = [
        ('reports', '0003_month_people'),
    ]

    operations = [
        migrations.RenameModel(old_name='MonthPeople', new_name='PeriodPeople'),
        migrations.RenameIndex(model_name='periodpeople', new_name='periodpeople_read', old_name='monthpeople_read'),
        migrations.AddField(
            model_name='periodpeople',
            name='months',
            field=models.SmallIntegerField(default=1),
            preserve_default=False,
        ),
        # No quarters or years yet: the next catch-up rebuilds every rollup.
        migrations.RunSQL("UPDATE reports_rollupstate SET needs_rebuild = true", migrations.RunSQL.noop),
    ]
