# The audit log moved to the `audit` app; its table stays (see audit 0001).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
