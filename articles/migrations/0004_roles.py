"""Roles as groups: Contributors, Editors, Administrators (admins may edit them later).

Interview permissions are added by interviews' own migration: articles never depends on it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ONLY = ["person", "photo", "programme", "funder", "fundingproject", "region", "topic"]
ALL = ["add", "change", "delete", "view"]

CONTRIBUTORS = [
    *(f"view_{model}" for model in VIEW_ONLY),
    "add_photo",
    "add_article",
    "change_article",
    "view_article",
    *(f"{action}_relatedarticle" for action in ALL),
    *(f"{action}_taggedregion" for action in ALL),
    *(f"{action}_taggedtopic" for action in ALL),
]
EDITOR_MODELS = [
    *VIEW_ONLY,
    "article",
    "relatedarticle",
    "taggedregion",
    "taggedtopic",
    "correction",
]
EDITORS = [
    *(f"{action}_{model}" for model in EDITOR_MODELS for action in ALL),
    "publish_article",
    "edit_others_article",
    "view_auditevent",
    "view_sitesettings",
]
ADMINISTRATORS = [*EDITORS, "change_sitesettings"]
ADMIN_AUTH = [f"{action}_{model}" for model in ("user", "group") for action in ALL]


def ensure_permissions(apps):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def grant(name, codenames, app_label):
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        assert not missing, f"unknown permissions {missing}"
        group.permissions.add(*perms)

    grant("Contributors", CONTRIBUTORS, "articles")
    grant("Editors", EDITORS, "articles")
    grant("Administrators", ADMINISTRATORS, "articles")
    grant("Administrators", ADMIN_AUTH, "auth")


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Contributors", "Editors", "Administrators"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
