from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Funder

from .factories import make_article, make_photo, make_project
from .formdata import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    """A superuser without a password: hashing one costs a second per test."""
    return django_user_model.objects.create_superuser("boss", "boss@example.org")


def add_form(project, published_on, status="published"):
    """Exactly what the article add form posts."""
    return {
        "title": "Water talks",
        "slug": "",
        "standfirst": "Talks on sharing the river's water.",
        "body": "<p>Text.</p>",
        "lead_photo": str(make_photo().pk),
        "status": status,
        "published_at_0": published_on.isoformat() if published_on else "",
        "published_at_1": "10:00:00" if published_on else "",
        "kind": "analysis",
        "programme": "",
        "projects": [project.pk],
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }


def warnings_after(client, url, data):
    # Start from what the rendered form posts (inline management forms, the edit version).
    data = {**form_data(client.get(url), "article_form"), **data}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


ADD = "/admin/articles/article/add/"


def test_publishing_outside_the_projects_dates_warns_but_saves(editor_client):
    project = make_project(name="Voices", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    warnings = warnings_after(editor_client, ADD, add_form(project, date(2026, 8, 1)))
    assert warnings == [
        "Check the funding: this piece is dated 2026-08-01, outside the dates of the project "
        "“Voices” (2026-01-01 to 2026-06-30)."
    ]
    assert Article.objects.get(title="Water talks").status == "published"


def test_publishing_before_a_project_starts_warns(editor_client):
    project = make_project(name="Voices", starts_on=date(2026, 1, 1))
    warnings = warnings_after(editor_client, ADD, add_form(project, date(2025, 12, 31)))
    assert len(warnings) == 1 and "(2026-01-01 to ongoing)" in warnings[0]


def test_publishing_now_under_an_ended_project_warns_even_when_backdated(editor_client):
    ended = timezone.localdate() - timedelta(days=10)
    project = make_project(name="Old", starts_on=date(2020, 1, 1), ends_on=ended)
    warnings = warnings_after(editor_client, ADD, add_form(project, ended - timedelta(days=1)))
    assert warnings == [f"Check the funding: the project “Old” ended on {ended.isoformat()}."]


def test_no_warning_within_dates_for_drafts_or_when_editing_an_old_piece(editor_client):
    today = timezone.localdate()
    running = make_project(starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30))
    assert warnings_after(editor_client, ADD, add_form(running, today)) == []
    ended = make_project(starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))
    assert warnings_after(editor_client, ADD, add_form(ended, None, status="draft")) == []
    old = make_article(
        title="Old piece",
        projects=[ended],
        published_at=timezone.make_aware(datetime(2020, 6, 1, 10)),
    )
    data = {**add_form(ended, date(2020, 6, 1)), "title": "Old piece, typo fixed", "slug": old.slug}
    assert warnings_after(editor_client, f"/admin/articles/article/{old.pk}/change/", data) == []
    assert Article.objects.get(pk=old.pk).title == "Old piece, typo fixed"


def test_article_list_filters_by_project_and_funder(editor_client):
    funder = Funder.objects.create(name="Norway")
    project = make_project(name="Bridging", funders=[funder])
    make_article(title="Funded", projects=[project])
    make_article(title="Unfunded")
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "By funding projects" in html and "By funders" in html
    response = editor_client.get(
        f"/admin/articles/article/?projects__funders__id__exact={funder.pk}"
    )
    assert [a.title for a in response.context["cl"].result_list] == ["Funded"]
    response = editor_client.get(f"/admin/articles/article/?projects__id__exact={project.pk}")
    assert [a.title for a in response.context["cl"].result_list] == ["Funded"]


def test_funder_page_lists_its_projects_and_paginates(client, django_assert_max_num_queries):
    funder = Funder.objects.create(
        name="Norway", url="https://norway.example/", description="Donor"
    )
    projects = [make_project(name=f"Project {n}", funders=[funder]) for n in range(2)]
    for n in range(21):
        make_article(title=f"Piece {n}", projects=projects)  # under both: listed once
    html = client.get(funder.get_absolute_url()).content.decode()
    for project in projects:
        assert f'<a href="{project.get_absolute_url()}">{project.name}</a>' in html
    assert 'href="https://norway.example/"' in html
    assert html.count('<article class="teaser') == 20 and 'rel="next"' in html
    second = client.get(funder.get_absolute_url() + "?page=2").content.decode()
    assert "Piece 20<" in second and "Piece 0<" not in second  # factories: later is older
    assert client.get(funder.get_absolute_url() + "?page=abc").status_code == 404
    with django_assert_max_num_queries(8):
        client.get(funder.get_absolute_url())


def test_project_page_lists_funders_and_publications(client):
    funder = Funder.objects.create(name="Norway")
    project = make_project(name="Bridging", funders=[funder], description="Training reporters")
    make_article(title="Under it", projects=[project])
    make_article(title="Not under it")
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Training reporters" in html and f'href="{funder.get_absolute_url()}">Norway' in html
    assert "Under it" in html and "Not under it" not in html


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Steady state: the settings rows every page reads are kept until the content changes.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_project_and_funder_pages_run_a_fixed_number_of_queries(client):
    small_funder = Funder.objects.create(name="Small")
    small = make_project(funders=[small_funder])
    make_article(projects=[small])
    big_funders = [Funder.objects.create(name=f"Funder {n}") for n in range(10)]
    big = make_project(funders=big_funders)
    for _ in range(10):
        make_project(funders=[big_funders[0]])
    for _ in range(25):
        make_article(projects=[big])
    assert _queries(client, big.get_absolute_url()) == _queries(client, small.get_absolute_url())
    assert _queries(client, big_funders[0].get_absolute_url()) == _queries(
        client, small_funder.get_absolute_url()
    )
