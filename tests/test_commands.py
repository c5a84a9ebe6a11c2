from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Photo
from interviews.models import Interview

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_is_complete_and_idempotent(client, settings):
    settings.DEBUG = True
    run()
    counts = (Article.objects.count(), Photo.objects.count(), Interview.objects.count())
    run()
    assert (Article.objects.count(), Photo.objects.count(), Interview.objects.count()) == counts
    interview = Interview.objects.get()
    assert interview.segments.count() >= 3
    assert interview.projects.exists() and interview.lead_photo.credit
    assert Article.objects.published().count() == counts[0]
    assert client.get(interview.get_absolute_url()).status_code == 200


def test_demo_editor_exists_only_in_debug(settings):
    settings.DEBUG = False
    output = run()
    assert not get_user_model().objects.exists()
    assert "No demo editor account" in output
    settings.DEBUG = True
    run()
    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and user.check_password("kazcms-demo-editor")


def test_synthetic_articles_are_bulk_created_with_tags(django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        output = run("--no-demo", "--articles", "250", "--batch-size", "100")
    assert "250/250" in output
    assert Article.objects.published().count() == 250
    article = Article.objects.first()
    assert article.regions.count() == 1 and article.authors.count() == 1
    run("--no-demo", "--articles", "10")  # runs again without slug clashes
    assert Article.objects.count() == 260
