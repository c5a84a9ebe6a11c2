"""Interview permissions for the roles made by articles.0003_roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["add", "change", "delete", "view"]
ROLES = {
    "Contributors": ["add_interview", "change_interview", "view_interview"]
    + [f"{action}_segment" for action in ALL],
    "Editors": [f"{action}_{model}" for model in ("interview", "segment") for action in ALL],
    "Administrators": [f"{action}_{model}" for model in ("interview", "segment") for action in ALL],
}


def grant_interview_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            content_type__app_label="interviews", codename__in=codenames
        )
        assert perms.count() == len(codenames), "an interview permission is missing"
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0001_initial"),
        ("articles", "0004_roles"),
    ]

    operations = [migrations.RunPython(grant_interview_permissions, migrations.RunPython.noop)]
