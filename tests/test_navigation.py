"""Readers browse by country and topic from every page's header, search from any page, and
share a piece through plain links that carry its canonical address."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Region, Topic

from .factories import make_article, make_draft, make_photo
from .workflow_helpers import post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    kazakhstan, kyrgyzstan, quiet = (
        Region.objects.create(name=name) for name in ("Kazakhstan", "Kyrgyzstan", "Quietland")
    )
    water = Topic.objects.create(name="Water")
    make_article(regions=[kazakhstan], topics=[water])
    make_article(regions=[kazakhstan, kyrgyzstan])
    make_draft(regions=[kyrgyzstan, quiet], topics=[water])  # counts nowhere
    return {"kazakhstan": kazakhstan, "kyrgyzstan": kyrgyzstan, "quiet": quiet, "water": water}


def test_the_region_index_lists_countries_with_their_published_pieces(client, tagged):
    page = client.get(reverse("articles:regions")).content.decode()
    entries = re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="term-count">([^<]+)<', page
    )
    assert entries == [
        (tagged["kazakhstan"].get_absolute_url(), "Kazakhstan", "2 pieces"),
        (tagged["kyrgyzstan"].get_absolute_url(), "Kyrgyzstan", "1 piece"),
    ]  # Quietland has only a draft: not listed


def test_the_topic_index_counts_only_what_readers_can_read(client, tagged):
    page = client.get(reverse("articles:topics")).content.decode()
    assert re.search(r'>Water</a> <span class="term-count">1 piece<', page)


def test_indexes_cost_the_same_whatever_the_number_of_regions(
    client, django_assert_max_num_queries
):
    for n in range(3):
        make_article(regions=[Region.objects.create(name=f"Region {n}")])
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("articles:regions"))
    for n in range(3, 30):
        make_article(regions=[Region.objects.create(name=f"Region {n}")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("articles:regions")).content.decode().count("term-count") == 30


def test_every_page_header_links_the_indexes_and_has_a_search_box(client, tagged):
    page = client.get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="main-nav" aria-label="Main">.*?</nav>', page, re.S).group(0)
    assert f'href="{reverse("articles:regions")}"' in nav
    assert f'href="{reverse("articles:topics")}"' in nav
    form = re.search(
        r'<form class="site-search main-search" role="search"[^>]*>.*?</form>', page, re.S
    )
    assert f'action="{reverse("articles:search")}"' in form.group(0)
    assert 'name="q"' in form.group(0) and '<label for="site-search-q"' in form.group(0)
    assert "<script" not in page.replace('<script type="application/ld+json">', "")


def test_share_links_carry_the_canonical_address_and_no_script(client):
    piece = make_article(title="Water & power: a deal")
    page = client.get(piece.get_absolute_url()).content.decode()
    url = f"http://testserver{piece.get_absolute_url()}"
    share = re.search(r'<section class="share".*?</section>', page, re.S).group(0)
    hrefs = dict(
        (name, href.replace("&amp;", "&"))
        for href, name in re.findall(
            r'<a href="([^"]+)" rel="noopener noreferrer">([^<]+)</a>', share
        )
    )
    assert set(hrefs) == {"Telegram", "WhatsApp", "Facebook", "X", "Email"}
    assert parse_qs(urlsplit(hrefs["Telegram"]).query) == {
        "url": [url],
        "text": ["Water & power: a deal"],
    }
    assert parse_qs(urlsplit(hrefs["Facebook"]).query) == {"u": [url]}
    assert url in parse_qs(urlsplit(hrefs["WhatsApp"]).query)["text"][0]
    assert parse_qs(urlsplit(hrefs["X"]).query)["url"] == [url]
    assert hrefs["Email"].startswith("mailto:?subject=Water%20%26%20power")
    assert f'value="{url}" readonly' in share  # the address to copy, without a script


@pytest.mark.parametrize(
    ("language", "label"), [("ru", "Эл. почта"), ("kk", "Эл. пошта"), ("ky", "Эл. почта")]
)
def test_the_email_share_link_is_named_in_the_edition_language(client, language, label):
    piece = make_article(title="Вода и энергия", language=language)
    page = client.get(piece.get_absolute_url()).content.decode()
    share = re.search(r'<section class="share".*?</section>', page, re.S).group(0)
    assert f'rel="noopener noreferrer">{label}</a>' in share
    assert ">Email<" not in share  # the networks keep their brand names, the word is translated


def test_the_home_page_shows_each_piece_once(client):
    from .factories import make_programme

    bureau, other = make_programme(name="Bishkek bureau"), make_programme(name="Almaty bureau")
    pieces = [make_article(title=f"Story number {n:02d}", programme=bureau) for n in range(14)]
    pieces.append(make_article(title="Story from Almaty", programme=other))
    make_article(title="The lead story", programme=bureau, is_featured=True)
    page = client.get(reverse("home")).content.decode()
    for title in ["The lead story", "Story from Almaty", *(p.title for p in pieces[:13])]:
        assert page.count(f">{title}</a>") <= 1, title
    # The bureau's section holds what Latest had no room for, not the same stories again.
    section = page[page.index(">Bishkek bureau</a>") :]
    assert "Story number 13" in section or "Story number 12" in section
    assert ">Story number 00</a>" not in section


def test_editors_pin_top_stories_under_the_lead_each_shown_once(client, admin_client):
    make_article(title="The lead story", is_featured=True)
    older = make_article(
        title="A pinned older story",
        published_at=timezone.now() - timedelta(days=30),
        lead_photo=make_photo(renditions=False),
    )
    for n in range(12):
        make_article(title=f"Newer story {n}")
    # The desk pins the older story through the piece form, as the browser posts it.
    response = post_change(admin_client, older, is_top_story="on")
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = client.get(reverse("home")).content.decode()
    top = re.search(r'<section aria-labelledby="top-heading">.*?</section>', page, re.S).group(0)
    assert ">A pinned older story</a>" in top
    assert page.count(">A pinned older story</a>") == 1 and page.count(">The lead story</a>") == 1
    assert ">Newer story 0</a>" not in top  # latest stays below, not among the pinned
    assert (
        page.index(">The lead story</a>")
        < page.index("top-heading")
        < page.index(">Newer story 0</a>")
    )


def test_without_pinned_stories_the_home_page_has_no_top_stories_block(client):
    make_article(title="Only story")
    assert "top-heading" not in client.get(reverse("home")).content.decode()


def test_an_edition_with_only_its_lead_shows_no_empty_latest_heading(client):
    make_article(title="Only story", is_featured=True)
    page = client.get(reverse("home")).content.decode()
    # The section keeps its name for screen readers and its links on, but no visible heading
    # over nothing.
    assert '<h2 id="latest-heading" class="visually-hidden">' in page
    assert f'href="{reverse("articles:archive")}"' in page
    make_article(title="Second story")
    page = client.get(reverse("home")).content.decode()
    assert '<h2 id="latest-heading">' in page and ">Second story</a>" in page


def test_the_search_page_form_is_told_apart_from_the_header_search(client):
    page = client.get(reverse("articles:search"), {"q": "water"}).content.decode()
    form = r'<form class="(search-form|site-search[^"]*)"[^>]*role="search"([^>]*)>'
    forms = re.findall(form, page)
    # Two search landmarks on one page need different names; the page's own is its heading's.
    assert ("search-form", ' aria-labelledby="search-heading"') in forms
    assert '<h1 id="search-heading">' in page


def test_on_phones_the_main_menu_folds_under_a_details_without_script(client):
    page = client.get(reverse("home")).content.decode()
    menu = re.search(r'<details class="phone-menu">(.*?)</details>', page, re.S).group(1)
    assert "<summary>Menu</summary>" in menu
    wide = re.search(r'<nav class="main-nav" aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    links = re.findall(r'href="([^"]+)"', wide)
    # The same sections and a search box in both; the CSS shows one of the two at any width.
    assert links == re.findall(r'href="([^"]+)"', menu.split("<form")[0])
    assert reverse("articles:regions") in links and reverse("articles:topics") in links
    assert f'action="{reverse("articles:search")}"' in menu
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert ".main-nav, .main-search { display: none; }" in css
    assert "@media (min-width: 40rem) { .phone-menu { display: none; } }" in css
