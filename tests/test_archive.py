from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Region, RelatedArticle, Topic

from .factories import make_article, make_draft, make_interview, make_person, make_photo

pytestmark = pytest.mark.django_db


def at(*args):
    """An aware time in the newsroom's zone (Asia/Almaty)."""
    return timezone.make_aware(datetime(*args))


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def pieces():
    return {
        "nov": make_article(title="November piece", published_at=at(2025, 11, 3, 9)),
        # The last hour of November and the first of December, newsroom time.
        "late_nov": make_article(title="Late November piece", published_at=at(2025, 11, 30, 23)),
        "dec": make_article(title="December piece", published_at=at(2025, 12, 1, 2)),
        "jan": make_article(title="January piece", published_at=at(2026, 1, 15, 12)),
        "draft": make_draft(title="Draft DRAFTCANARY"),
        "scheduled": make_article(
            title="Scheduled SCHEDCANARY", published_at=timezone.now() + timedelta(days=40)
        ),
    }


def test_month_archive_uses_newsroom_dates(client, pieces):
    november = html_of(client, reverse("articles:archive_month", args=[2025, 11]))
    december = html_of(client, reverse("articles:archive_month", args=[2025, 12]))
    assert "<h1>November 2025</h1>" in november
    assert "November piece" in november and "Late November piece" in november
    assert "December piece" not in november
    # 02:00 on 1 December in Almaty is 21:00 on 30 November in UTC: it belongs to December.
    assert "December piece" in december
    assert "November piece" not in december


def test_month_archive_links_to_neighbouring_months(client, pieces):
    december = html_of(client, reverse("articles:archive_month", args=[2025, 12]))
    assert f'rel="prev" href="{reverse("articles:archive_month", args=[2025, 11])}"' in december
    assert f'rel="next" href="{reverse("articles:archive_month", args=[2026, 1])}"' in december
    assert f'href="{reverse("articles:archive_year", args=[2025])}"' in december


def test_year_archive_lists_its_pieces_and_months(client, pieces):
    html = html_of(client, reverse("articles:archive_year", args=[2025]))
    assert "<h1>2025</h1>" in html
    for title in ["November piece", "Late November piece", "December piece"]:
        assert title in html
    assert "January piece" not in html
    assert f'href="{reverse("articles:archive_month", args=[2025, 11])}">November</a>' in html
    assert '<span class="count">(2)</span>' in html


def test_archive_periods_speak_the_editions_language(client):
    make_article(title="November piece", published_at=at(2025, 11, 3, 9))
    make_article(title="Ноябрьский материал", language="ru", published_at=at(2025, 11, 3, 9))
    english = html_of(client, "/en/archive/2025/11/")
    russian = html_of(client, "/ru/archive/2025/11/")
    assert '<p class="kicker">Архив</p>' in russian
    assert '<meta name="description" content="Всё, что мы опубликовали: Ноябрь 2025.">' in russian
    assert ">Archive<" not in russian.split("<main", 1)[1]
    assert '<p class="kicker">Archive</p>' in english


def test_archive_index_lists_months_with_counts(client, pieces):
    html = html_of(client, reverse("articles:archive"))
    assert f'href="{reverse("articles:archive_year", args=[2026])}">2026</a>' in html
    assert f'href="{reverse("articles:archive_month", args=[2025, 12])}">December</a>' in html
    assert html.index(">2026<") < html.index(">2025<")


def test_unpublished_pieces_never_reach_the_archive(client, pieces):
    scheduled = pieces["scheduled"].published_at
    urls = [
        reverse("articles:archive"),
        reverse("articles:archive_year", args=[2025]),
        reverse("articles:archive_month", args=[2025, 11]),
    ]
    for url in urls:
        html = html_of(client, url)
        assert "CANARY" not in html, url
    # A month that only holds a scheduled piece does not exist yet.
    local = timezone.localtime(scheduled)
    month = reverse("articles:archive_month", args=[local.year, local.month])
    assert client.get(month).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/archive/2025/13/",
        "/en/archive/2025/00/",
        "/en/archive/2025/1/",
        "/en/archive/25/",
        "/en/archive/abcd/",
        "/en/archive/0000/",
        "/en/archive/9999/12/",
        "/en/archive/2024/",  # nothing published then
        "/en/archive/2025/10/",
        "/en/archive/2025/11/?page=abc",
        "/en/archive/2025/11/?page=0",
        "/en/archive/2025/11/?page=2",
    ],
)
def test_bad_or_empty_periods_are_404(client, pieces, path):
    assert client.get(path).status_code == 404


def test_archive_pages_paginate(client, settings):
    for day in range(1, 23):
        make_article(title=f"Piece of day {day}", published_at=at(2025, 5, day, 12))
    url = reverse("articles:archive_month", args=[2025, 5])
    first, second = html_of(client, url), html_of(client, url + "?page=2")
    assert "Piece of day 22" in first and "Piece of day 3" in first
    assert "Piece of day 2<" in second and "Piece of day 1<" in second
    assert 'rel="next" href="?page=2"' in first


def test_home_and_listings_link_to_the_archive(client, pieces):
    for url in [reverse("home"), reverse("articles:list")]:
        assert f'href="{reverse("articles:archive")}"' in html_of(client, url)


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Steady state: the settings rows every page reads are kept until the content changes.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_archive_query_counts_are_fixed(client, django_assert_max_num_queries):
    make_article(published_at=at(2025, 3, 2, 12), authors=[make_person()])
    urls = [
        reverse("articles:archive"),
        reverse("articles:archive_year", args=[2025]),
        reverse("articles:archive_month", args=[2025, 3]),
    ]
    small = [_count(client, url) for url in urls]
    for day in range(1, 25):
        make_article(
            published_at=at(2025, 3 + day % 9, day, 12),
            authors=[make_person(), make_person()],
            lead_photo=make_photo(),
        )
    assert [_count(client, url) for url in urls] == small
    with django_assert_max_num_queries(7):
        client.get(urls[2])


# "More on this"


def test_more_on_this_comes_from_shared_regions_and_topics(client):
    kz, kg = Region.objects.create(name="Kazakhstan"), Region.objects.create(name="Kyrgyzstan")
    security, water = Topic.objects.create(name="Security"), Topic.objects.create(name="Water")
    piece = make_article(title="The piece", regions=[kz], topics=[security])
    both = make_article(title="Shares both", regions=[kz], topics=[security])
    region_only = make_article(title="Shares the region", regions=[kz, kg])
    make_article(title="Shares nothing", regions=[kg], topics=[water])
    make_draft(title="Draft DRAFTCANARY", regions=[kz], topics=[security])
    make_article(
        title="Scheduled SCHEDCANARY",
        regions=[kz],
        published_at=timezone.now() + timedelta(days=1),
    )
    interview = make_interview(title="An interview on security", topics=[security])
    html = html_of(client, piece.get_absolute_url())
    related = html.split('id="related-heading">More on this</h2>')[1].split("</nav>")[0]
    assert related.index(both.title) < related.index(region_only.title)
    assert f'href="{interview.get_absolute_url()}"' in related
    assert "Shares nothing" not in related
    assert "CANARY" not in related
    assert "The piece" not in related


def test_more_on_this_is_limited_and_the_editors_choice_wins(client):
    kz = Region.objects.create(name="Kazakhstan")
    piece = make_article(title="The piece", regions=[kz])
    for n in range(6):
        make_article(title=f"Neighbour {n}", regions=[kz])
    html = html_of(client, piece.get_absolute_url())
    assert html.count("Neighbour ") == 4
    chosen = make_article(title="Chosen by the editor")
    RelatedArticle.objects.create(from_article=piece, to_article=chosen)
    html = html_of(client, piece.get_absolute_url())
    assert "Chosen by the editor" in html
    assert "Neighbour " not in html


def test_piece_without_tags_has_no_more_on_this(client):
    make_article(title="Another piece")
    html = html_of(client, make_article().get_absolute_url())
    assert "More on this" not in html


def test_more_on_this_query_count_is_fixed(client):
    regions = [Region.objects.create(name=f"Region {n}") for n in range(10)]
    topics = [Topic.objects.create(name=f"Topic {n}") for n in range(10)]
    small = make_article(regions=regions[:1], topics=topics[:1])
    large = make_article(regions=regions, topics=topics)
    for n in range(10):
        make_article(regions=regions[n:], topics=topics[:n], authors=[make_person()])
    assert _count(client, small.get_absolute_url()) == _count(client, large.get_absolute_url())
