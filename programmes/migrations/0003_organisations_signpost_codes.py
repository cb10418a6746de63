"""Programmes open to listed organisations (name and ODS code); each
"Need help now?" entry gains a random public code, as the programme admin's
pages name entries in URLs; an entry's link must be https:, http:, tel: or
mailto:, and email domains are checked (programmes.models.email_domains_validate)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

import core.codes
import programmes.models


def signpost_codes_fill(apps, schema_editor):
    Signpost = apps.get_model("programmes", "Signpost")
    for signpost in Signpost.objects.filter(code__isnull=True).only("pk"):
        Signpost.objects.filter(pk=signpost.pk).update(code=core.codes.new_code())


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0002_default_programme"),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ods_code", models.CharField(max_length=10, verbose_name="ODS code")),
                ("name", models.CharField(max_length=120)),
                ("programme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                related_name="organisations", to="programmes.programme")),
            ],
            options={
                "ordering": ["name", "pk"],
                "indexes": [
                    models.Index(fields=["ods_code"], name="organisation_ods_code"),
                    models.Index(django.db.models.functions.text.Upper("name"), name="organisation_name_upper"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("programme", "ods_code"), name="organisation_programme_ods_code"),
                ],
            },
        ),
        migrations.AddField(
            model_name="signpost",
            name="code",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(signpost_codes_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signpost",
            name="code",
            field=models.CharField(default=core.codes.new_code, editable=False, max_length=16, unique=True),
        ),
        migrations.AlterField(
            model_name="programme",
            name="email_domains",
            field=models.CharField(blank=True, help_text="Comma-separated, e.g. nuh.nhs.uk, *.nottingham.nhs.uk",
                                   max_length=1000, validators=[programmes.models.email_domains_validate]),
        ),
        migrations.AlterField(
            model_name="signpost",
            name="href",
            field=models.CharField(blank=True, help_text="https://…, tel:… or mailto:… (optional)", max_length=300,
                                   validators=[programmes.models.signpost_href_validate], verbose_name="link"),
        ),
    ]
