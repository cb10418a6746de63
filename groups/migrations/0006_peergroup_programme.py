"""Every group belongs to a programme: existing groups join the default
programme (made by programmes' migration 0002)."""

import django.db.models.deletion
from django.db import migrations, models

import programmes.models


def forwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    PeerGroup = apps.get_model("groups", "PeerGroup")
    default = Programme.objects.get(is_default=True)
    PeerGroup.objects.filter(programme__isnull=True).update(programme=default)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_archive_undo"),
        ("programmes", "0002_default_programme"),
    ]
    operations = [
        migrations.AddField(
            model_name="peergroup",
            name="programme",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="groups", to="programmes.programme"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="peergroup",
            name="programme",
            field=models.ForeignKey(default=programmes.models.default_programme_pk,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="groups",
                                    to="programmes.programme"),
        ),
    ]
