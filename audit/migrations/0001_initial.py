# The audit log moved here from `privacy` (issue 16: the audit service sits
# below every app that records into it). The table stays where it was, so
# this migration and privacy's 0002 only move the model's state.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("privacy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("actor_role", models.CharField(max_length=20)),
                        ("action", models.CharField(max_length=40)),
                        ("object_type", models.CharField(blank=True, max_length=60)),
                        ("object_code", models.CharField(blank=True, max_length=40)),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("ip_hash", models.CharField(blank=True, max_length=32)),
                        ("admin_log_id", models.PositiveBigIntegerField(blank=True, editable=False, null=True)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="audit_events", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "privacy_auditevent",
                        "indexes": [models.Index(fields=["-at"], name="auditevent_at"), models.Index(fields=["actor", "-at"], name="auditevent_actor_at")],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("admin_log_id__isnull", False)), fields=("admin_log_id",), name="auditevent_admin_log_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
