"""What public pages ask the database: bounded queries and trimmed columns, whatever the size of
the archive or of a piece (bench/pages.py measures the times at 2,000 and 100,000 pieces).

Counts are in steady state (tests/test_views.py ``_count_queries``): the page cache is off and
the site-wide reads every page shares (content version, settings rows) are warm.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import ContentVersion, Region, Topic

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
        if name == "home":  # kept until the content changes: its first read
            sql_run = first_queries_of(client, url, warm="articles:list")
        else:
            sql_run = queries_of(client, url)
        selecting = [sql for sql in sql_run if BODY_COLUMN in sql]
        assert not selecting, f"{name} selects the body: {selecting[0][:200]}"


def first_queries_of(client, url, warm="home"):
    """The queries of a piece page or the home page read for the first time since the
    content changed (they keep what they read until then), the site-wide reads warm."""
    ContentVersion.bump()
    assert client.get(reverse(warm)).status_code == 200  # the shared reads, warm again
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def test_a_piece_page_selects_only_its_own_body(client):
    region = Region.objects.create(name="Shared")
    others = [make_article(regions=[region]) for _ in range(3)]
    piece = make_article(regions=[region])
    piece.related_links.create(to_article=others[0], position=1)
    url = piece.get_absolute_url()
    selecting = [sql for sql in first_queries_of(client, url) if BODY_COLUMN in sql]
    assert len(selecting) == 1  # the piece itself; its links and "More on this" read titles
    assert not queries_of(client, url)  # then kept: no query until the content changes
    piece.related_links.all().delete()  # "More on this" from shared tags instead
    selecting = [sql for sql in first_queries_of(client, url) if BODY_COLUMN in sql]
    assert len(selecting) == 1


def test_home_and_listings_run_few_queries_at_any_size(client):
    small, large = newsroom(1), newsroom(25)

    def count_of(urls, name):
        if name == "home":  # kept until the content changes: its first read counts
            return len(first_queries_of(client, urls[name], warm="articles:list"))
        return len(queries_of(client, urls[name]))

    for name in small:
        count = count_of(large, name)
        assert count == count_of(small, name), name
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
    counts = [
        len(first_queries_of(client, p.get_absolute_url())) for p in (article_small, article_large)
    ]
    assert counts[0] == counts[1] <= 6
    interview_small = rich(make_interview, 1, segments=1)
    interview_large = rich(make_interview, 10, segments=20)
    counts = [
        len(first_queries_of(client, p.get_absolute_url()))
        for p in (interview_small, interview_large)
    ]
    assert counts[0] == counts[1] <= 6


def test_a_piece_read_in_one_query_carries_what_prefetching_read(django_assert_num_queries):
    """``for_detail()`` reads the relations as JSON inside the piece's query: the same rows,
    order and Python values (aware times, dates, booleans) as the ORM's own prefetching, and
    still only the published related pieces and translations."""
    from datetime import date, timedelta

    from django.utils import timezone

    from articles.models import Article, Correction, Funder
    from interviews.models import Interview

    from .factories import make_draft

    funders = [Funder.objects.create(name=name) for name in ("Zeta fund", "Alpha fund")]
    project = make_project(funders=funders, starts_on=date(2024, 1, 31), ends_on=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    piece = make_interview(
        segments=3,
        authors=[make_person(name="Zed", is_pen_name=True), make_person(name="Abe")],
        regions=[Region.objects.create(name="Ili"), Region.objects.create(name="Aral")],
        topics=[Topic.objects.create(name="Water")],
        projects=[project, make_project()],
    )
    shown = make_article()
    for position, other in enumerate([make_draft(), scheduled, shown]):
        piece.related_links.create(to_article=other, position=position)
    Correction.objects.create(piece=piece, text="Later", noted_at=timezone.now())
    Correction.objects.create(piece=piece, text="Earlier", noted_at=timezone.now() - timedelta(1))
    translation = make_article(translation_key=piece.translation_key, language="ru")
    make_draft(translation_key=piece.translation_key, language="kk")

    with django_assert_num_queries(1):
        inline = Interview.objects.for_detail().get(pk=piece.pk)
        authors = list(inline.authors.all())
        projects = list(inline.projects.all())
        funders_read = [list(p.funders.all()) for p in projects]
        notes = inline.corrections_in_order()
        related = inline.related_articles()
        links = [(p.title, p.get_absolute_url()) for p in related]
        editions = [(p.language, p.get_absolute_url()) for p in inline.published_translations]
        segments = [(s.position, s.question, s.answer) for s in inline.segments.all()]
        tags = [t.name for t in [*inline.regions.all(), *inline.topics.all()]]

    orm = Interview.objects.prefetch_related(
        "authors", "regions", "topics", "projects__funders", "corrections", "segments"
    ).get(pk=piece.pk)
    assert [(a.pk, a.name, a.slug, a.is_pen_name) for a in authors] == [
        (a.pk, a.name, a.slug, a.is_pen_name) for a in orm.authors.all()
    ]
    assert [a.name for a in authors] == ["Abe", "Zed"] and authors[1].is_pen_name is True
    assert tags == ["Aral", "Ili", "Water"]
    assert [(p.pk, p.name, p.starts_on, p.ends_on) for p in projects] == [
        (p.pk, p.name, p.starts_on, p.ends_on) for p in orm.projects.all()
    ]
    assert project.acknowledgement_text() in [p.acknowledgement_text() for p in projects]
    assert [[f.name for f in fs] for fs in funders_read if len(fs) == 2] == [
        ["Alpha fund", "Zeta fund"]
    ]
    assert [(n.text, n.noted_at, n.kind) for n in notes] == [
        (n.text, n.noted_at, n.kind) for n in orm.corrections.all()
    ]
    assert [n.text for n in notes] == ["Earlier", "Later"] and timezone.is_aware(notes[0].noted_at)
    assert links == [(shown.title, shown.get_absolute_url())]
    assert related[0].published_at == Article.objects.get(pk=shown.pk).published_at
    assert editions == [("ru", translation.get_absolute_url())]
    assert segments == [(s.position, s.question, s.answer) for s in orm.segments.all()]
    assert len(segments) == 3


def test_listings_count_exactly_to_a_threshold_then_keep_an_estimate(client, monkeypatch):
    from articles import pagination

    monkeypatch.setattr(pagination, "PER_PAGE", 2)
    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 4)
    for n in range(3):
        make_article(title=f"Shallow {n}")
    url = reverse("articles:list")

    def pages_shown():
        html = client.get(url).content.decode()
        return re.search(r"Page 1 of (\d+)", html).group(1)

    assert pages_shown() == "2"  # 3 pieces: counted exactly
    make_article(title="Shallow 3")
    make_article(title="Shallow 4")
    assert pages_shown() == "3"  # 5 pieces, past the threshold: counted once in full
    make_article(title="Deep 5")
    make_article(title="Deep 6")
    # Past the threshold the full count is kept a while, whatever changes meanwhile; the first
    # view after a change counts no further than the threshold.
    with CaptureQueriesContext(connection) as queries:
        assert pages_shown() == "3"
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 5" in sql for sql in counts), counts
    assert client.get(url + "?page=3").status_code == 200
    cache.clear()  # the estimate's time is up
    assert pages_shown() == "4"
