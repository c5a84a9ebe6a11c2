"""The admin home is the editor's desk: my drafts, waiting for review, scheduled (newsroom
time), recently published, each linking into the filtered list; contributors see their own."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import Article

from .factories import make_article, make_draft, make_interview, make_user

pytestmark = pytest.mark.django_db


def desk_section(response, key):
    page = response.content.decode()
    start = page.index(f'id="desk-{key}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def pieces(desk, contributor):
    return {
        "my_draft": make_draft(title="Desk draft of mine", created_by=desk),
        "their_draft": make_draft(title="Contributor draft", created_by=contributor),
        "review": make_article(
            title="Contributor piece waiting", status="review", published_at=None,
            created_by=contributor,
        ),
        "scheduled": make_article(
            title="Goes out in 2030", published_at=datetime(2030, 1, 1, tzinfo=UTC),
        ),
        "published": make_interview(title="Out this morning", segments=0),
    }  # fmt: skip


def test_an_editor_sees_their_desk(desk_client, pieces, settings):
    response = desk_client.get(reverse("admin:index"))
    assert response.status_code == 200
    drafts = desk_section(response, "drafts")
    assert "Desk draft of mine" in drafts and "Contributor draft" not in drafts
    review = desk_section(response, "review")
    assert "Waiting for your review" in review and "Contributor piece waiting" in review
    scheduled = desk_section(response, "scheduled")
    # Midnight UTC is five in the morning in the newsroom (Asia/Almaty).
    assert "Goes out in 2030" in scheduled and "1 Jan 2030, 05:00" in scheduled
    published = desk_section(response, "published")
    assert "Out this morning" in published and "Interview" in published
    assert "Goes out in 2030" not in published and "Desk draft" not in published
    change = reverse("admin:articles_article_change", args=[pieces["my_draft"].pk])
    assert f'href="{change}"' in drafts
    assert settings.TIME_ZONE in response.content.decode()


@pytest.mark.parametrize(
    ("key", "shown", "hidden"),
    [
        ("drafts", "Desk draft of mine", "Contributor draft"),
        ("review", "Contributor piece waiting", "Desk draft of mine"),
        ("scheduled", "Goes out in 2030", "Out this morning"),
        ("published", "Out this morning", "Goes out in 2030"),
    ],
)
def test_each_panel_links_to_the_same_pieces_in_the_list(desk_client, pieces, key, shown, hidden):
    panel = desk_section(desk_client.get(reverse("admin:index")), key)
    list_url = panel.split('class="desk-more"><a href="')[1].split('"')[0].replace("&amp;", "&")
    listing = desk_client.get(list_url)
    assert listing.status_code == 200  # a filter the list does not allow would redirect
    page = listing.content.decode()
    assert shown in page and hidden not in page


def test_a_contributor_sees_only_their_own_pieces(contributor_client, pieces, desk):
    make_article(title="Desk piece in review", status="review", published_at=None, created_by=desk)
    response = contributor_client.get(reverse("admin:index"))
    page = response.content.decode()
    assert "Sent for review" in desk_section(response, "review")
    assert "Contributor piece waiting" in page and "Contributor draft" in page
    assert "Desk draft of mine" not in page and "Desk piece in review" not in page


def test_counts_and_queries_stay_fixed_as_pieces_pile_up(
    desk_client, desk, django_assert_max_num_queries
):
    def drafts(n):
        for i in range(n):
            make_draft(title=f"Pile {i}", created_by=desk)

    drafts(2)
    with django_assert_max_num_queries(30) as few:
        desk_client.get(reverse("admin:index"))
    drafts(30)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # the one COUNT(*)
        response = desk_client.get(reverse("admin:index"))
    panel = desk_section(response, "drafts")
    assert "(32)" in panel and panel.count("<li>") == 8
    assert Article.objects.drafts().count() == 32


def test_the_desk_shows_nothing_to_staff_without_a_role(client, pieces):
    client.force_login(make_user(username="norole"))
    page = client.get(reverse("admin:index")).content.decode()
    for piece in pieces.values():
        assert piece.title not in page
    assert "No drafts" in page  # the desk renders for them too, empty


def test_translations_that_may_be_outdated_have_their_panel(desk_client, desk):
    source = make_article(title="Water talks resume")
    translation = source.translate_into("ru", desk)
    translation.title = "Переговоры о воде возобновились"
    translation.save()
    untouched = make_article(title="Steady source").translate_into("kk", desk)
    untouched.title = "Тұрақты аударма"
    untouched.save()
    panel = desk_section(desk_client.get(reverse("admin:index")), "outdated")
    assert "Every translation is up to date" in panel

    source.title = "Water talks resume after a year"  # the source moves on
    source.save()
    panel = desk_section(desk_client.get(reverse("admin:index")), "outdated")
    assert "Переговоры о воде возобновились" in panel and "Тұрақты аударма" not in panel
    list_url = panel.split('class="desk-more"><a href="')[1].split('"')[0].replace("&amp;", "&")
    page = desk_client.get(list_url).content.decode()
    assert "Переговоры о воде возобновились" in page and "Тұрақты аударма" not in page
