import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from articles.models import Region, Topic

from .factories import (
    make_article,
    make_newsroom,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    """One public piece in every vocabulary, a hidden twin of it, and an unrelated piece."""
    photo = make_photo(
        renditions=False,  # without renditions yet, feeds carry the original
        caption="Police in Almaty",
        credit_person=make_person(name="Nurlan Lens"),
    )
    newsroom = make_newsroom(
        public={
            "title": "Public piece & <friends>",
            "standfirst": "What happened, in one sentence.",
            "lead_photo": photo,
        }
    )
    make_article(title="Elsewhere piece")
    return newsroom


def feed_urls(n):
    urls = [reverse("articles:feed"), reverse("articles:atom")]
    for name in ("region", "topic", "programme", "project"):
        urls += [
            reverse(f"articles:{name}_feed", args=[n[name].slug]),
            reverse(f"articles:{name}_atom", args=[n[name].slug]),
        ]
    urls += [
        reverse("articles:person_feed", args=[n["author"].slug]),
        reverse("articles:person_atom", args=[n["author"].slug]),
    ]
    return urls


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


def test_every_feed_is_valid_and_lists_only_published_pieces(client, newsroom):
    for url in feed_urls(newsroom):
        response, feed = parse(client, url)
        body = response.content.decode()
        for canary in ("DRAFTCANARY", "SCHEDCANARY", "IVCANARY"):
            assert canary not in body, (url, canary)
        titles = [entry.title for entry in feed.entries]
        assert "Public piece & <friends>" in titles, url
        if url not in (reverse("articles:feed"), reverse("articles:atom")):
            assert "Elsewhere piece" not in titles, url


@pytest.mark.parametrize("name", ["feed", "atom"])
def test_an_item_has_title_link_date_author_summary_categories_and_photo(client, newsroom, name):
    _, feed = parse(client, reverse(f"articles:{name}"))
    entry = next(e for e in feed.entries if e.title.startswith("Public piece"))
    public = newsroom["public"]
    assert entry.link == "http://testserver" + public.get_absolute_url()
    assert entry.published_parsed[:6] == public.published_at.utctimetuple()[:6]
    assert entry.author == "Aigerim Writer"
    assert {tag.term for tag in entry.tags} == {"Kazakhstan", "Security"}
    assert "What happened, in one sentence." in entry.summary
    assert "Photo: Nurlan Lens" in entry.summary
    media = entry.media_content[0]
    assert media["url"] == "http://testserver" + public.lead_photo.image.url
    assert media["medium"] == "image"
    assert entry.media_credit[0]["content"] == "Nurlan Lens"


@pytest.mark.parametrize(
    ("caption", "credit", "line"),
    [
        ("Police in Almaty", "Nurlan Lens", "Police in Almaty. Photo: Nurlan Lens"),
        ("Ends with a stop.", "Agency", "Ends with a stop. Photo: Agency"),
        ("", "Agency", "Photo: Agency"),
        ("Uncredited", "", "Uncredited"),
    ],
)
def test_an_item_shows_its_photo_as_a_figure_feed_readers_can_load(client, caption, credit, line):
    # Feed readers get a rendition at an absolute address, and one plain caption line.
    photo = make_photo(caption=caption, credit_text=credit, alt_text="Officers & <crowd>")
    make_article(standfirst="", lead_photo=photo)
    response, _ = parse(client, reverse("articles:feed"))
    description = etree.fromstring(response.content).find("channel/item/description").text
    url, width, height = photo.published_file()
    assert url != photo.image.url
    assert description == (
        f'<figure><img src="http://testserver{url}" alt="Officers &amp; &lt;crowd&gt;"'
        f' width="{width}" height="{height}"><figcaption>{line}</figcaption></figure>'
    )


def test_feed_text_is_escaped(client, newsroom):
    response = client.get(reverse("articles:feed"))
    assert b"<friends>" not in response.content
    assert "Public piece &amp; &lt;friends&gt;" in response.content.decode()


def test_object_feeds_are_titled_after_their_object(client, newsroom):
    _, feed = parse(client, reverse("articles:region_atom", args=["kazakhstan"]))
    assert feed.feed.title.endswith(": Kazakhstan")
    assert feed.feed.link == "http://testserver/en/regions/kazakhstan/"


@pytest.mark.parametrize("name", ["region", "topic", "programme", "project", "person"])
def test_an_unknown_object_feed_is_a_404(client, name):
    assert client.get(reverse(f"articles:{name}_feed", args=["nope"])).status_code == 404


def test_pages_advertise_their_feeds(client, newsroom):
    site = [reverse("articles:feed"), reverse("articles:atom")]
    pages = {
        reverse("home"): site,
        newsroom["public"].get_absolute_url(): site,
        newsroom["region"].get_absolute_url(): [
            reverse("articles:region_feed", args=["kazakhstan"]),
            reverse("articles:region_atom", args=["kazakhstan"]),
        ],
        newsroom["topic"].get_absolute_url(): [reverse("articles:topic_feed", args=["security"])],
        newsroom["programme"].get_absolute_url(): [
            reverse("articles:programme_feed", args=[newsroom["programme"].slug])
        ],
        newsroom["project"].get_absolute_url(): [
            reverse("articles:project_atom", args=[newsroom["project"].slug])
        ],
        newsroom["author"].get_absolute_url(): [
            reverse("articles:person_feed", args=[newsroom["author"].slug])
        ],
    }
    for page, feeds in pages.items():
        html = client.get(page).content.decode()
        for feed in feeds:
            assert 'rel="alternate" type="application/' in html
            assert f'href="{feed}"' in html, (page, feed)


def _rich_piece(region):
    return make_article(
        lead_photo=make_photo(credit_person=make_person()),
        authors=[make_person(), make_person()],
        regions=[region],
        topics=[Topic.objects.get_or_create(name="Economy")[0]],
    )


@pytest.mark.parametrize("name", ["feed", "region_atom"])
def test_a_feed_runs_a_fixed_number_of_queries(client, name, django_assert_num_queries):
    region = Region.objects.create(name="Kyrgyzstan")
    url = reverse(f"articles:{name}", args=["kyrgyzstan"] if "region" in name else [])
    _rich_piece(region)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(15):
        _rich_piece(region)
    with django_assert_num_queries(len(small)):
        _, feed = parse(client, url)
    assert len(feed.entries) == 16
    assert len(small) <= 5
