"""What public pages ask the database: bounded queries and trimmed columns, whatever the size of
the archive or of a piece (bench/pages.py measures the times at 2,000 and 100,000 pieces).

Counts are in steady state (tests/test_views.py ``_count_queries``): the page cache is off and
the site-wide reads every page shares (content version, settings rows) are warm.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Region, Topic

from .factories import (
    make_article,
    make_interview,
    make_person,
    make_photo,
    make_programme,
    make_project,
)

pytestmark = pytest.mark.django_db

BODY_COLUMN = '"articles_article"."body"'


def queries_of(client, url):
    assert client.get(url).status_code == 200, url  # warm the shared reads
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def newsroom(size):
    """A programme, region, topic, author and project with ``size`` pieces, large ones."""
    region, topic = Region.objects.create(name=f"R{size}"), Topic.objects.create(name=f"T{size}")
    programme, author, project = make_programme(), make_person(), make_project()
    pieces = [
        make_article(
            regions=[region],
            topics=[topic],
            programme=programme,
            authors=[author, make_person()],
            projects=[project],
            lead_photo=make_photo(renditions=False),
            body="<p>" + "Long body text. " * 200 + "</p>",
        )
        for _ in range(size)
    ]
    published = pieces[0].published_at
    return {
        "home": reverse("home"),
        "latest": reverse("articles:list"),
        "region": region.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "programme": programme.get_absolute_url(),
        "person": author.get_absolute_url(),
        "project": project.get_absolute_url(),
        "archive month": reverse("articles:archive_month", args=[published.year, published.month]),
        "feed": reverse("articles:feed"),
        "region feed": reverse("articles:region_feed", args=[region.slug]),
    }


def test_listings_home_and_feeds_never_select_the_body(client):
    for name, url in newsroom(3).items():
        selecting = [sql for sql in queries_of(client, url) if BODY_COLUMN in sql]
        assert not selecting, f"{name} selects the body: {selecting[0][:200]}"


def test_a_piece_page_selects_only_its_own_body(client):
    region = Region.objects.create(name="Shared")
    others = [make_article(regions=[region]) for _ in range(3)]
    piece = make_article(regions=[region])
    piece.related_links.create(to_article=others[0], position=1)
    selecting = [sql for sql in queries_of(client, piece.get_absolute_url()) if BODY_COLUMN in sql]
    assert len(selecting) == 1  # the piece itself; its links and "More on this" read titles
    piece.related_links.all().delete()  # "More on this" from shared tags instead
    selecting = [sql for sql in queries_of(client, piece.get_absolute_url()) if BODY_COLUMN in sql]
    assert len(selecting) == 1


def test_home_and_listings_run_few_queries_at_any_size(client):
    small, large = newsroom(1), newsroom(25)
    for name in small:
        count = len(queries_of(client, large[name]))
        assert count == len(queries_of(client, small[name])), name
        limit = 6 if name == "home" else 4 if "feed" not in name else 5
        assert count <= limit, f"{name}: {count} queries"


def test_piece_pages_run_the_same_few_queries_for_small_and_large_pieces(client):
    def rich(model_factory, n, **extra):
        regions = [
            Region.objects.create(name=f"Region {model_factory.__name__} {n} {i}") for i in range(n)
        ]
        return model_factory(
            regions=regions,
            authors=[make_person() for _ in range(n)],
            projects=[make_project() for _ in range(n)],
            **extra,
        )

    article_small, article_large = rich(make_article, 1), rich(make_article, 10)
    counts = [len(queries_of(client, p.get_absolute_url())) for p in (article_small, article_large)]
    assert counts[0] == counts[1] <= 9
    interview_small = rich(make_interview, 1, segments=1)
    interview_large = rich(make_interview, 10, segments=20)
    counts = [
        len(queries_of(client, p.get_absolute_url())) for p in (interview_small, interview_large)
    ]
    assert counts[0] == counts[1] <= 10
