from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.discovery.sitemaps import PieceSitemap
from articles.models import Article, Region
from interviews.models import Interview

from .factories import (
    make_article,
    make_draft,
    make_interview,
    make_newsroom,
    make_person,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def schema(name):
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def fetch(client, url, xsd):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    validator = schema(xsd)
    assert validator.validate(root), (url, list(validator.error_log))
    return root


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def locs(root):
    return [path_of(loc.text) for loc in root.iter(f"{SM}loc")]


@pytest.fixture
def newsroom():
    """Public pieces in every vocabulary, hidden twins, and vocabularies with only hidden pieces."""
    recent = timezone.now() - timedelta(hours=1)  # the factory's default may be days ago
    newsroom = make_newsroom(
        topic="Land",
        programme="Bureau",
        public={"published_at": recent},
        interview={"title": "Public interview", "published_at": recent},
        hidden_apart=True,
    )
    return {**newsroom, "public": [newsroom["public"], newsroom["interview"]]}


def test_the_index_lists_every_section_and_each_is_valid(client, newsroom):
    index = fetch(client, reverse("sitemaps:index"), "siteindex.xsd")
    sections = locs(index)
    assert [urlsplit(s).path for s in sections] == [
        "/sitemap-pieces.xml",
        "/sitemap-pages.xml",
        "/sitemap-regions.xml",
        "/sitemap-topics.xml",
        "/sitemap-programmes.xml",
        "/sitemap-projects.xml",
        "/sitemap-funders.xml",
        "/sitemap-people.xml",
        "/sitemap-news.xml",
    ]
    listed = []
    for section in sections:
        listed += locs(fetch(client, section, "sitemap.xsd"))
    for url in listed:
        assert client.get(url).status_code == 200, url
    n = newsroom
    expected = [piece.get_absolute_url() for piece in n["public"]] + [
        reverse("home"),
        reverse("articles:list"),
        *(n[name].get_absolute_url() for name in ("region", "topic", "programme", "project")),
        n["funder"].get_absolute_url(),
        n["author"].get_absolute_url(),
    ]
    assert set(expected) <= set(listed)


def test_hidden_pieces_and_their_only_listings_are_left_out(client, newsroom):
    everything = b""
    for section in locs(fetch(client, reverse("sitemaps:index"), "siteindex.xsd")):
        everything += client.get(section).content
    for piece in newsroom["hidden"]:
        assert piece.get_absolute_url().encode() not in everything
    for name, value in newsroom["ghost"].items():
        objects = value if isinstance(value, list) else [value]
        for obj in objects:
            assert obj.get_absolute_url().encode() not in everything, name
    for canary in (b"DRAFTCANARY", b"SCHEDCANARY", b"IVCANARY", b"draftcanary", b"schedcanary"):
        assert canary not in everything


def test_pieces_carry_their_last_modification_time(client):
    edited = make_article(title="Edited")
    Article.objects.filter(pk=edited.pk).update(
        updated_at=timezone.now() - timedelta(hours=1),
        published_at=timezone.now() - timedelta(days=3),
    )
    # Scheduled ahead, edited earlier, live now: it changed when it went live.
    went_live = make_article(title="Went live")
    Article.objects.filter(pk=went_live.pk).update(
        updated_at=timezone.now() - timedelta(days=5),
        published_at=timezone.now() - timedelta(minutes=5),
    )
    root = fetch(client, reverse("sitemaps:section", args=["pieces"]), "sitemap.xsd")
    lastmods = {
        path_of(url.find(f"{SM}loc").text): url.find(f"{SM}lastmod").text
        for url in root.iter(f"{SM}url")
    }
    edited.refresh_from_db()
    went_live.refresh_from_db()
    assert (
        lastmods[edited.get_absolute_url()]
        == edited.updated_at.astimezone(timezone.get_current_timezone()).isoformat()
    )
    assert (
        lastmods[went_live.get_absolute_url()]
        == went_live.published_at.astimezone(timezone.get_current_timezone()).isoformat()
    )


def test_the_news_sitemap_lists_the_last_two_days_only(client):
    now = timezone.now()
    recent = make_article(title="Fresh & new", published_at=now - timedelta(hours=47))
    make_interview(title="Fresh interview", published_at=now - timedelta(hours=1))
    make_article(title="Too old", published_at=now - timedelta(hours=49))
    make_article(title="Not yet", published_at=now + timedelta(hours=1))
    make_draft(title="Draft news")
    root = fetch(client, reverse("sitemaps:news"), "sitemap.xsd")
    titles = [title.text for title in root.iter(f"{NEWS}title")]
    assert titles == ["Fresh interview", "Fresh & new"]
    entry = next(
        url
        for url in root.iter(f"{SM}url")
        if path_of(url.find(f"{SM}loc").text) == recent.get_absolute_url()
    )
    news = entry.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "KazCMS Newsroom"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    published = news.findtext(f"{NEWS}publication_date")
    assert published == recent.published_at.astimezone(timezone.get_current_timezone()).isoformat()


def test_without_recent_pieces_the_news_sitemap_is_not_advertised(client):
    make_article(title="Old", published_at=timezone.now() - timedelta(days=5))
    index = fetch(client, reverse("sitemaps:index"), "siteindex.xsd")
    assert not any("news" in loc for loc in locs(index))
    assert "sitemap-news" not in client.get(reverse("sitemaps:robots_txt")).content.decode()
    response = client.get(reverse("sitemaps:news"))
    assert response.status_code == 200
    assert etree.fromstring(response.content).findall(f"{SM}url") == []


def test_robots_txt_points_to_the_sitemaps_and_keeps_admin_and_previews_out(client):
    make_article(title="Today", published_at=timezone.now() - timedelta(hours=1))
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /*/preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "Disallow: /" not in lines  # the public site stays crawlable


@pytest.mark.parametrize("url", ["/sitemap-nope.xml", "/sitemap-pieces.xml?p=abc"])
def test_bad_sitemap_addresses_are_404(client, url):
    make_article()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("section", ["pieces", "people", "regions"])
def test_a_sitemap_section_runs_a_fixed_number_of_queries(
    client, section, django_assert_num_queries
):
    region = Region.objects.create(name="Kyrgyzstan")
    make_article(authors=[make_person()], regions=[region])
    url = reverse("sitemaps:section", args=[section])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(10):
        make_article(
            authors=[make_person()],
            regions=[Region.objects.create(name=f"Region {n}")],
            model=Article if n % 2 else Interview,
        )
    with django_assert_num_queries(len(small)):
        root = fetch(client, url, "sitemap.xsd")
    # A piece once, in its own edition; a listing or person page once per edition.
    per_item = 1 if section == "pieces" else len(settings.LANGUAGES)
    assert len(root.findall(f"{SM}url")) == 11 * per_item


def test_an_unpublished_piece_leaves_every_sitemap_at_once(client):
    piece = make_article(title="Retracted", published_at=timezone.now() - timedelta(hours=1))
    urls = [reverse("sitemaps:section", args=["pieces"]), reverse("sitemaps:news")]
    for url in urls:
        assert piece.get_absolute_url().encode() in client.get(url).content
    piece.status = Article.Status.DRAFT
    piece.save()
    for url in urls:
        assert piece.get_absolute_url().encode() not in client.get(url).content, url


def test_the_index_lists_every_page_of_pieces(client, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(PieceSitemap, "limit", 2)
    for _ in range(5):
        make_article()
    with django_assert_max_num_queries(3):
        index = fetch(client, reverse("sitemaps:index"), "siteindex.xsd")
    pages = [loc for loc in locs(index) if loc.startswith("/sitemap-pieces.xml")]
    assert pages == ["/sitemap-pieces.xml", "/sitemap-pieces.xml?p=2", "/sitemap-pieces.xml?p=3"]
    seen = []
    for page in pages:
        seen += locs(fetch(client, page, "sitemap.xsd"))
    assert len(set(seen)) == 5


def test_kept_sitemaps_show_a_new_publication_and_lose_an_unpublished_one(client):
    recent = timezone.now() - timedelta(hours=1)
    first = make_article(title="First", slug="first-piece", published_at=recent)
    urls = ["/sitemap.xml", "/sitemap-pieces.xml", "/sitemap-news.xml"]
    for url in urls:
        assert client.get(url).status_code == 200  # rendered and kept
    second = make_article(title="Second", slug="second-piece", published_at=recent)
    pieces = client.get("/sitemap-pieces.xml").content.decode()
    news = client.get("/sitemap-news.xml").content.decode()
    assert second.get_absolute_url() in pieces and second.get_absolute_url() in news
    first.status = first.Status.DRAFT
    first.save()
    assert first.get_absolute_url() not in client.get("/sitemap-pieces.xml").content.decode()
    assert first.get_absolute_url() not in client.get("/sitemap-news.xml").content.decode()
    response = client.get("/sitemap-pieces.xml")
    assert response["Content-Type"].startswith("application/xml")
    assert client.get("/sitemap-pieces.xml?p=99").status_code == 404
