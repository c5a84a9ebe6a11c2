"""Editors and Administrators look after the subscriber list and may export it."""

from importlib import import_module

from django.db import migrations

CODENAMES = ["view_subscriber", "change_subscriber", "export_subscribers"]


def grant(apps, schema_editor):
    import_module("articles.migrations.0004_roles").ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="newsletter", codename__in=CODENAMES)
    assert perms.count() == len(CODENAMES)
    for name in ("Editors", "Administrators"):
        Group.objects.get_or_create(name=name)[0].permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="newsletter", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=["Editors", "Administrators"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_subscriber"),
        ("articles", "0004_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
