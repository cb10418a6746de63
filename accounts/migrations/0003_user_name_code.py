# A random name_code per person. AddField would give every existing row the
# same default, so existing people get their own in a second step.

import secrets

from django.db import migrations, models

import accounts.models


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk").iterator():
        User.objects.filter(pk=user.pk).update(name_code=secrets.token_urlsafe(16))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="name_code",
            field=models.CharField(default="", editable=False, max_length=24),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="name_code",
            field=models.CharField(default=accounts.models.new_name_code, editable=False, max_length=24),
        ),
    ]
