# A random code for Facilitation, added in three steps so existing rows each
# get their own value before the unique constraint applies.

from django.db import migrations, models

import core.codes


def fill_codes(apps, schema_editor):
    Facilitation = apps.get_model("groups", "Facilitation")
    for row in Facilitation.objects.filter(code__isnull=True):
        row.code = core.codes.new_code()
        row.save(update_fields=["code"])


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="facilitation",
            name="code",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="facilitation",
            name="code",
            field=models.CharField(default=core.codes.new_code, editable=False, max_length=16, unique=True),
        ),
    ]
