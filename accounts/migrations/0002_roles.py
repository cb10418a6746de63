"""Create the role groups with their permissions (see accounts/roles.py)."""

from django.db import migrations

ROLES = {
    "Facilitators": [("facilitate_groups", "Can create and run peer-support groups")],
    "Programme admins": [("manage_programme", "Can see every group and participation reports")],
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    for group_name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename, name in perms:
            perm, _ = Permission.objects.get_or_create(
                codename=codename, content_type=user_type, defaults={"name": name}
            )
            group.permissions.add(perm)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
