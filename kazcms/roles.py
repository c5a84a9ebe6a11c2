"""The newsroom's roles: every group and the permissions it holds, declared in one place.

``sync_roles()`` makes the database hold this map: it creates a missing group and grants any
missing permission, so running it again changes nothing. It runs after every ``migrate`` (the
articles app connects it to ``post_migrate``) and as ``manage.py sync_roles``. Permissions an
administrator granted on top are kept and listed; ``prune=True`` (``--prune``) removes them.
The data migrations that first made the groups stay as history; this map is what they add up to.

Permissions are named "app_label.codename", as ``user.has_perm()`` names them, so the map covers
every app without importing any.
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

ALL = ("add", "change", "delete", "view")


def perms(app_label, models, actions=ALL):
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]


# Records that pieces point to: contributors pick from them, editors look after them.
NEWSROOM_RECORDS = ("person", "photo", "programme", "funder", "fundingproject", "region", "topic")
# Rows edited inside a piece's form: whoever may change the piece saves them with it.
PIECE_PARTS = ("relatedarticle", "taggedregion", "taggedtopic")

# Write and submit drafts; which pieces they may touch is decided in articles/publishing.
CONTRIBUTORS = [
    *perms("articles", NEWSROOM_RECORDS, ["view"]),
    "articles.add_photo",
    *perms("articles", ["article"], ["add", "change", "view"]),
    *perms("articles", PIECE_PARTS),
    *perms("interviews", ["interview"], ["add", "change", "view"]),
    *perms("interviews", ["segment"]),
]

# Publish, schedule and unpublish; manage people, photos, tags, projects, subscribers, mailings;
# export.
EDITORS = [
    *perms("articles", [*NEWSROOM_RECORDS, "article", *PIECE_PARTS, "correction"]),
    "articles.publish_article",
    "articles.edit_others_article",
    "articles.export_articles",
    "articles.view_auditevent",
    "articles.view_sitesettings",
    "newsletter.view_newslettersettings",
    *perms("interviews", ["interview", "segment"]),
    *perms("newsletter", ["subscriber"], ["change", "view"]),
    "newsletter.export_subscribers",
    # Outsiders' preview links: create, revoke (a change) and see them with their views.
    *perms("articles", ["previewlink"], ["add", "change", "view"]),
    "articles.view_previewlinkview",
    # Mailings: compose, preview, test, send; the deliveries are the send log (read only).
    *perms("newsletter", ["mailing", "mailingpiece"]),
    "newsletter.send_mailing",
    "newsletter.view_delivery",
]

# Everything editors do, plus users, roles and the site's texts.
ADMINISTRATORS = [
    *EDITORS,
    "articles.change_sitesettings",
    *perms("articles", ["sitepage"]),
    "newsletter.change_newslettersettings",
    *perms("auth", ["user", "group"]),
    # Who is behind a pen name: only this role opens the sealed records (each opening audited).
    "articles.open_sealedidentity",
    *perms("articles", ["sealedidentity"]),
]

ROLES = {
    "Contributors": frozenset(CONTRIBUTORS),
    "Editors": frozenset(EDITORS),
    "Administrators": frozenset(ADMINISTRATORS),
}


@dataclass
class RoleSync:
    """What ``sync_roles()`` did to one group."""

    role: str
    created: bool = False
    granted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # held but not declared, left in place
    removed: list[str] = field(default_factory=list)  # held but not declared, taken away (prune)
    missing: list[str] = field(default_factory=list)  # declared but no such permission exists


def sync_roles(prune=False, using=DEFAULT_DB_ALIAS, apps=global_apps):
    """Create the declared groups and grant their permissions; returns a ``RoleSync`` per role.

    ``apps`` is the model registry: the global one, or the migration state after ``migrate``.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    if not router.allow_migrate_model(using, Group):
        return []
    # Django makes permissions after migrate, one app at a time; the map needs them all now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_labels = {name.split(".")[0] for names in ROLES.values() for name in names}
    available = _by_name(
        Permission.objects.using(using).filter(content_type__app_label__in=app_labels)
    )
    results = []
    for role, names in ROLES.items():
        group, created = Group.objects.using(using).get_or_create(name=role)
        held = _by_name(group.permissions.all())
        result = RoleSync(role, created=created)
        result.missing = sorted(names - available.keys())
        result.granted = sorted((names & available.keys()) - held.keys())
        group.permissions.add(*(available[name] for name in result.granted))
        undeclared = sorted(held.keys() - names)
        if prune:
            group.permissions.remove(*(held[name] for name in undeclared))
            result.removed = undeclared
        else:
            result.kept = undeclared
        results.append(result)
    return results


def _by_name(permissions):
    """{"app_label.codename": pk} for a queryset of permissions."""
    rows = permissions.values_list("content_type__app_label", "codename", "pk")
    return {f"{app_label}.{codename}": pk for app_label, codename, pk in rows}


def sync_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """``post_migrate`` receiver: a fresh or upgraded database gets the declared roles."""
    sync_roles(using=using, apps=apps)
