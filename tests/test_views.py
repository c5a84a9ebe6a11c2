from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from articles.models import Funder, Region, RelatedArticle, SiteSettings, Topic

from .factories import (
    make_article,
    make_interview,
    make_newsroom,
    make_person,
    make_photo,
    make_programme,
    make_project,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    """A small newsroom with one public piece and every kind of hidden piece in each listing."""
    return make_newsroom()


def public_urls(n):
    return [
        reverse("home"),
        reverse("articles:list"),
        n["public"].get_absolute_url(),
        n["region"].get_absolute_url(),
        n["topic"].get_absolute_url(),
        n["programme"].get_absolute_url(),
        n["project"].get_absolute_url(),
        n["funder"].get_absolute_url(),
        n["author"].get_absolute_url(),
    ]


def test_every_public_page_shows_the_public_piece_and_no_hidden_one(client, newsroom):
    for url in public_urls(newsroom):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        if url != newsroom["public"].get_absolute_url():
            assert "Public piece" in html, url
        for canary in ("DRAFTCANARY", "SCHEDCANARY", "IVCANARY"):
            assert canary not in html, url


def test_hidden_pieces_are_404_for_readers(client, newsroom):
    for piece in newsroom["hidden"]:
        assert client.get(piece.get_absolute_url()).status_code == 404


def test_unpublished_related_piece_is_not_linked(client, newsroom):
    RelatedArticle.objects.create(from_article=newsroom["public"], to_article=newsroom["hidden"][0])
    html = client.get(newsroom["public"].get_absolute_url()).content.decode()
    assert "DRAFTCANARY" not in html


def test_scheduled_piece_appears_when_its_time_comes(client, newsroom):
    scheduled = newsroom["hidden"][1]
    scheduled.published_at = timezone.now() - timedelta(seconds=1)
    scheduled.save()
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert "SCHEDCANARY" in client.get(reverse("articles:list")).content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99", "", "%00", "1e3"])
def test_bad_page_numbers_are_404(client, newsroom, page):
    for url in public_urls(newsroom):
        if url == reverse("home") or url == newsroom["public"].get_absolute_url():
            continue
        assert client.get(url, {"page": page}).status_code == 404, (url, page)


def test_pagination_pages_through_everything(client):
    for _ in range(25):
        make_article()
    first = client.get(reverse("articles:list"))
    second = client.get(reverse("articles:list"), {"page": "2"})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert 'rel="next"' in first.content.decode()
    assert '?page=2"' in second.content.decode().split('rel="canonical"')[1][:80]


def test_article_page_shows_everything_the_seed_shows(client, settings):
    settings.KAZCMS_ORGANISATION = "IWPR"
    photographer = make_person(name="Andrei Grishin")
    photo = make_photo(caption="Kazak police", credit_person=photographer, alt_text="Police line")
    programme = make_programme(name="The Central Asian Bureau")
    project = make_project(name="Bridging Divides")
    project.funders.update(name="the Foreign Ministry of Norway")
    related = make_article(title="Southern City Reels")
    article = make_article(
        title="What Next?",
        standfirst="Government needs to tackle specific risks.",
        body="<p>A spate of shootings.</p>",
        published_at=timezone.make_aware(timezone.datetime(2016, 7, 28, 12)),
        lead_photo=photo,
        programme=programme,
        projects=[project],
        regions=[Region.objects.create(name="Kazakstan")],
        topics=[Topic.objects.create(name="Terrorism")],
    )
    RelatedArticle.objects.create(from_article=article, to_article=related)
    SiteSettings.objects.update_or_create(pk=1, defaults={"donate_url": "/give/"})
    html = client.get(article.get_absolute_url()).content.decode()
    for expected in [
        "<h1>What Next?</h1>",
        "Government needs to tackle specific risks.",
        f'href="{photographer.get_absolute_url()}">Andrei Grishin</a>)',
        "Kazak police. (Photo: ",
        'alt="Police line"',
        'width="64" height="48"',
        "Thursday, 28 July, 2016",
        "The Central Asian Bureau is a project of IWPR",
        "<p>A spate of shootings.</p>",
        "Southern City Reels",
        "Kazakstan",
        "Terrorism",
        "This publication was produced under IWPR project Bridging Divides, funded by the "
        "Foreign Ministry of Norway.",
        "Frontline Updates",
        'href="/give/"',
        f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">',
        '<meta name="description" content="Government needs to tackle specific risks.">',
    ]:
        assert expected in html, expected


def test_interview_page_renders_dialogue_with_labels(client):
    interview = make_interview(segments=3)
    html = client.get(interview.get_absolute_url()).content.decode()
    assert '<span class="speaker">IWPR:</span> Question 1?' in html
    assert '<span class="speaker">Analyst:</span>' in html
    assert html.index("Question 1?") < html.index("Question 2?") < html.index("Question 3?")
    assert "<p>Answer 3.</p>" in html
    assert interview.interviewee.name in html
    # unlabelled segments still tell screen-reader users who speaks
    assert '<span class="visually-hidden">Question: </span>Question 2?' in html


def test_interview_at_article_address_redirects(client):
    interview = make_interview()
    response = client.get(reverse("articles:detail", args=[interview.slug]))
    assert response.status_code == 301
    assert response["Location"] == interview.get_absolute_url()


def test_cyrillic_slugs_resolve(client):
    region = Region.objects.create(name="Қазақстан")
    make_article(regions=[region])
    assert client.get(region.get_absolute_url()).status_code == 200


def test_home_page_has_lead_latest_and_programme_sections(client):
    programme = make_programme(name="Bureau Alpha")
    lead = make_article(
        title="The lead", is_featured=True, published_at=timezone.now() - timedelta(days=3)
    )
    make_article(title="Newer piece", programme=programme)
    # More than Latest holds: the bureau's section shows the rest (each piece once).
    for n in range(10):
        make_article(title=f"Bureau piece {n}", programme=programme)
    response = client.get(reverse("home"))
    assert response.context["lead"] == lead
    html = response.content.decode()
    assert "Newer piece" in html and "Bureau Alpha" in html


def test_empty_site_home_page(client):
    assert "Nothing has been published yet" in client.get(reverse("home")).content.decode()


def test_friendly_404(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_listing_is_404(client):
    for name in ("region", "topic", "programme", "project", "funder", "person"):
        assert client.get(reverse(f"articles:{name}", args=["nope"])).status_code == 404


def test_funder_page_lists_pieces_of_its_projects(client):
    funder = Funder.objects.create(name="Norway")
    project = make_project(funders=[funder])
    make_article(title="Funded piece", projects=[project])
    assert "Funded piece" in client.get(funder.get_absolute_url()).content.decode()


def _rich_article(n, model_factory=make_article, **extra):
    people = [make_person() for _ in range(n)]
    regions = [Region.objects.create(name=f"Region {i} {n}") for i in range(n)]
    topics = [Topic.objects.create(name=f"Topic {i} {n}") for i in range(n)]
    projects = [make_project() for _ in range(n)]
    piece = model_factory(
        authors=people,
        regions=regions,
        topics=topics,
        projects=projects,
        lead_photo=make_photo(credit_person=make_person()),
        programme=make_programme(),
        **extra,
    )
    for _ in range(n):
        RelatedArticle.objects.create(
            from_article=piece, to_article=make_article(lead_photo=make_photo()), position=_
        )
    return piece


def _count_queries(client, url):
    """Queries of one page view in steady state: the page cache is off (tests/conftest.py) and
    the site-wide reads every page shares (content version, settings rows) are warm."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _count_piece_queries(client, url):
    """Queries of a piece page read for the first time since the content changed (a piece
    page keeps its piece until then; later views cost none), the shared reads warm."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import ContentVersion

    ContentVersion.bump()
    assert client.get(reverse("home")).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert _count_queries(client, url) == 0  # then kept
    return len(ctx.captured_queries)


def test_article_page_query_count_is_fixed(client):
    small, large = _rich_article(1), _rich_article(10)
    small_count = _count_piece_queries(client, small.get_absolute_url())
    # The piece with all it shows in one query (and "More on this" when it is first ranked).
    assert _count_piece_queries(client, large.get_absolute_url()) == small_count <= 6


def test_interview_page_query_count_is_fixed(client):
    small = _rich_article(1, model_factory=make_interview, segments=1)
    large = _rich_article(10, model_factory=make_interview, segments=20)
    small_count = _count_piece_queries(client, small.get_absolute_url())
    assert _count_piece_queries(client, large.get_absolute_url()) == small_count <= 6


def test_listing_and_home_query_counts_are_fixed(client, django_assert_max_num_queries):
    region = Region.objects.create(name="Steppe")
    programme = make_programme()
    for _ in range(2):
        make_article(regions=[region], programme=programme, authors=[make_person()])
    urls = [reverse("home"), reverse("articles:list"), region.get_absolute_url()]
    counts = [_count_queries(client, url) for url in urls]
    for _ in range(30):
        make_article(
            regions=[region],
            programme=make_programme(),
            authors=[make_person(), make_person()],
            lead_photo=make_photo(),
        )
    assert [_count_queries(client, url) for url in urls] == counts
    home, *listings = counts
    assert home <= 6 and all(count <= 4 for count in listings), counts


def test_the_picture_tag_serves_any_named_size_and_refuses_an_unknown_one():
    photo = make_photo()
    photo.renditions = {
        "key": "k",
        "files": [
            {"group": "thumb", "format": "JPEG", "name": f"t-{w}.jpg", "width": w, "height": w}
            for w in (160, 320)
        ],
    }
    html = Template('{% load articles_tags %}{% picture photo "thumb" figure=False %}').render(
        Context({"photo": photo})
    )
    assert html.startswith("<picture><img ") and html.endswith("</picture>")
    assert "t-160.jpg 160w" in html and 'width="320" height="320"' in html
    assert 'alt="Police officers on a street"' in html and 'loading="lazy"' in html
    with pytest.raises(ValueError, match="Unknown picture size 'huge'"):
        Template('{% load articles_tags %}{% picture photo "huge" %}').render(
            Context({"photo": photo})
        )


def test_a_kept_piece_page_shows_every_change_at_once(client):
    from django.utils import timezone

    from articles.models import Correction

    piece = make_interview(segments=1, title="Before the edit")
    url = piece.get_absolute_url()
    assert "Before the edit" in client.get(url).content.decode()
    piece.title = "After the edit"
    piece.save()
    assert "After the edit" in client.get(url).content.decode()
    Correction.objects.create(piece=piece, text="A date was wrong.", noted_at=timezone.now())
    assert "A date was wrong." in client.get(url).content.decode()
    segment = piece.segments.first()
    segment.answer = "<p>A new answer.</p>"
    segment.save()
    assert "A new answer." in client.get(url).content.decode()
    piece.status = piece.Status.DRAFT
    piece.save()
    assert client.get(url).status_code == 404


def test_the_kept_front_page_shows_a_new_or_withdrawn_piece_at_once(client):
    make_article(title="Already out")
    assert "Already out" in client.get(reverse("home")).content.decode()
    fresh = make_article(title="Just published", published_at=timezone.now())
    assert "Just published" in client.get(reverse("home")).content.decode()
    fresh.status = fresh.Status.DRAFT
    fresh.save()
    assert "Just published" not in client.get(reverse("home")).content.decode()
