"""Editors and Administrators may export article lists and donor reports."""

from django.db import migrations



def grant_export(apps, schema_editor):
    from importlib import import_module

    import_module("articles.migrations.0004_roles").ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.get(content_type__app_label="articles", codename="export_articles")
    for name in ("Editors", "Administrators"):
        Group.objects.get_or_create(name=name)[0].permissions.add(perm)


def revoke_export(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    perm = Permission.objects.filter(codename="export_articles").first()
    if perm:
        for group in Group.objects.filter(name__in=["Editors", "Administrators"]):
            group.permissions.remove(perm)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_exports_permission_word_count")]

    operations = [migrations.RunPython(grant_export, revoke_export)]
