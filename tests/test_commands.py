from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from articles.models import Article, Photo
from interviews.models import Interview
from kazcms.roles import ROLES

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


# One test for both runs: building the demo's photos is the slowest step of the suite.
def test_demo_is_complete_idempotent_and_has_accounts_only_in_debug(client, settings):
    settings.DEBUG = False
    output = run()
    assert not get_user_model().objects.exists()
    assert "No demo editor account" in output
    counts = (Article.objects.count(), Photo.objects.count(), Interview.objects.count())
    settings.DEBUG = True
    output = run()
    assert (Article.objects.count(), Photo.objects.count(), Interview.objects.count()) == counts
    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and user.check_password("kazcms-demo-editor")
    interview = Interview.objects.get(language="en")  # the interviews app builds it
    assert f"Demo newsroom ready: {interview.get_absolute_url()}" in output
    assert interview.segments.count() >= 3 and interview.related_links.count() == 3
    # Every exchange carries the speakers, as published: the newsroom asks, the interviewee answers.
    labels = set(interview.segments.values_list("asker_label", "answerer_label"))
    assert labels == {(settings.KAZCMS_ORGANISATION, interview.interviewee.name.split()[-1])}
    assert interview.projects.exists() and interview.lead_photo.credit
    assert Article.objects.published().count() == counts[0]
    assert client.get(interview.get_absolute_url()).status_code == 200
    # A demo piece carries a library photo in its text, drawn in the house markup.
    south = Article.objects.get(slug="southern-city-counts-cost-of-shooting")
    assert south.inline_photos.exists()
    assert "inline-photo-right" in client.get(south.get_absolute_url()).content.decode()


def test_synthetic_articles_are_bulk_created_with_tags(django_assert_max_num_queries):
    # Per batch, not per article; with a few content-version bumps (the vocabularies made, the
    # end of the run) for the page cache, and each new person's and term's rename check.
    with django_assert_max_num_queries(60):
        output = run("--no-demo", "--articles", "250", "--batch-size", "100")
    assert "250/250" in output
    assert Article.objects.published().count() == 250
    article = Article.objects.first()
    assert article.regions.count() == 1 and article.authors.count() == 1
    run("--no-demo", "--articles", "10")  # runs again without slug clashes
    assert Article.objects.count() == 260


def group_permissions():
    return {
        group.name: {
            f"{perm.content_type.app_label}.{perm.codename}"
            for perm in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }


def sync_roles(*args):
    out = StringIO()
    call_command("sync_roles", *args, stdout=out)
    return out.getvalue()


def test_after_migrate_each_role_holds_exactly_the_declared_permissions():
    # The test database was built by migrate: the historical data migrations plus the sync.
    assert group_permissions() == {name: set(names) for name, names in ROLES.items()}
    assert "articles.publish_article" in ROLES["Editors"] - ROLES["Contributors"]
    assert "auth.change_user" in ROLES["Administrators"] - ROLES["Editors"]


def test_sync_roles_is_idempotent():
    before = group_permissions()
    assert sync_roles().splitlines() == [
        "Contributors: up to date.",
        "Editors: up to date.",
        "Administrators: up to date.",
    ]
    assert group_permissions() == before


def test_sync_roles_restores_what_was_removed_and_keeps_extras_unless_pruned():
    editors = Group.objects.get(name="Editors")
    editors.permissions.remove(Permission.objects.get(codename="publish_article"))
    editors.permissions.add(Permission.objects.get(codename="delete_subscriber"))
    Group.objects.get(name="Contributors").delete()
    output = sync_roles()
    assert "Editors: granted articles.publish_article." in output
    assert "Editors: also holds newsletter.delete_subscriber" in output
    assert "Contributors: created." in output
    permissions = group_permissions()
    assert permissions["Contributors"] == ROLES["Contributors"]
    assert permissions["Editors"] == ROLES["Editors"] | {"newsletter.delete_subscriber"}
    assert "Editors: removed newsletter.delete_subscriber." in sync_roles("--prune")
    assert group_permissions()["Editors"] == ROLES["Editors"]
