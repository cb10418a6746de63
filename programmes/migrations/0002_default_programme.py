"""Existing installations become one programme: a default programme open to
all NHS staff, holding every existing facilitator and programme admin (who
held their roles through auth groups until now). Its groups move in with
groups' migration 0005."""

from django.conf import settings
from django.db import migrations

from core.codes import new_code

AUTH_GROUPS = {"Facilitators": "facilitator", "Programme admins": "programme_admin"}


def forwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    ProgrammeRole = apps.get_model("programmes", "ProgrammeRole")
    AuthGroup = apps.get_model("auth", "Group")
    programme = Programme.objects.filter(is_default=True).first() or Programme.objects.create(
        code=new_code(), name=settings.SERVICE_NAME, all_nhs_staff=True, is_default=True)
    for group in AuthGroup.objects.filter(name__in=AUTH_GROUPS):
        role = AUTH_GROUPS[group.name]
        for user in group.user_set.all():
            ProgrammeRole.objects.get_or_create(programme=programme, user=user, role=role,
                                                defaults={"code": new_code()})
        group.delete()  # roles are held in programmes now


def backwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    ProgrammeRole = apps.get_model("programmes", "ProgrammeRole")
    AuthGroup = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = {"Facilitators": "facilitate_groups", "Programme admins": "manage_programme"}
    default = Programme.objects.filter(is_default=True).first()
    for name, role in AUTH_GROUPS.items():
        group, _ = AuthGroup.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts",
                                                         codename=codenames[name]))
        if default is not None:
            group.user_set.add(*[r.user_id for r in ProgrammeRole.objects.filter(programme=default, role=role)])


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("accounts", "0002_roles"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
