"""Markup kept per content version (``{% kept %}``: the masthead, the footer, the calls, teasers
and a published piece's head): rendered once, shown until the content changes, never stale.

The page cache is off here (the autouse fixture), so every page is rendered and what shows
comes from the kept fragments.
"""

import re
import time

import pytest
from django.urls import reverse

from articles.models import Article, ContentVersion, Region, SiteSettings

from .factories import make_article, make_photo
from .formdata import form_data
from .workflow_helpers import post_change, retitle_in_another_process

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def og_title(html):
    return re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)


def test_an_edit_through_the_admin_shows_in_every_teaser_and_the_pieces_head(client, editor_client):
    region = Region.objects.create(name="Ferghana Valley")
    piece = make_article(
        title="Water talks stall", regions=[region], lead_photo=make_photo(renditions=False)
    )
    pages = [reverse("home"), reverse("articles:list"), region.get_absolute_url()]
    for url in pages:
        assert "Water talks stall" in html_of(client, url), url
    assert og_title(html_of(client, piece.get_absolute_url())) == "Water talks stall"

    response = post_change(editor_client, piece, title="Water talks resume")
    assert response.status_code == 302, response.context["adminform"].form.errors
    for url in pages:
        html = html_of(client, url)
        assert "Water talks resume" in html and "Water talks stall" not in html, url
    assert og_title(html_of(client, piece.get_absolute_url())) == "Water talks resume"


def test_the_same_piece_teased_at_two_heading_levels_keeps_both(client):
    piece = make_article(title="Border reopens")
    home = html_of(client, reverse("home"))  # the lead and teasers: level 3
    listing = html_of(client, reverse("articles:list"))  # level 2
    assert "Border reopens" in home
    assert re.search(rf'<h2><a href="{piece.get_absolute_url()}">Border reopens</a></h2>', listing)


def test_site_texts_edited_through_the_admin_show_in_the_footer_and_calls(admin_client, client):
    make_article()
    row = SiteSettings.objects.create(donate_title="Support us")
    before = html_of(client, reverse("home"))
    assert "Registered charity 777" not in before
    url = reverse("admin:articles_sitesettings_change", args=[row.pk])
    data = form_data(admin_client.get(url), "sitesettings_form")
    data.update(donate_title="Keep us reporting", footer_text="Registered charity 777")
    assert admin_client.post(url, data).status_code == 302
    after = html_of(client, reverse("home"))
    footer = re.search(r'<footer class="site-footer">.*?</footer>', after, re.S).group(0)
    assert "Registered charity 777" in footer
    calls = re.search(r'<aside class="calls".*?</aside>', after, re.S).group(0)
    assert "Keep us reporting" in calls


def test_each_edition_keeps_its_own_masthead_and_footer(client):
    english = html_of(client, "/en/")
    russian = html_of(client, "/ru/")
    english_again = html_of(client, "/en/")
    menu = re.compile(r'<nav class="main-nav" aria-label="([^"]+)">')
    assert menu.search(english).group(1) == "Main"
    assert menu.search(russian).group(1) != "Main"
    assert menu.search(english_again).group(1) == "Main"
    assert 'href="/ru/regions/"' in russian and 'href="/ru/regions/"' not in english


def headline(html):
    return re.search(r"<h1>([^<]*)</h1>", html).group(1)


def test_a_preview_renders_the_piece_afresh_and_keeps_nothing(client, editor_client):
    piece = make_article(title="Published headline")
    public = html_of(client, piece.get_absolute_url())
    assert og_title(public) == headline(public) == "Published headline"
    # Changed in the database behind the signals' back: the public page keeps what it
    # rendered under this version, the staff preview reads the piece afresh.
    Article.objects.filter(pk=piece.pk).update(title="Renamed without a signal")
    assert headline(html_of(client, piece.get_absolute_url())) == "Published headline"
    preview = html_of(editor_client, reverse("articles:preview", args=[piece.pk]))
    assert og_title(preview) == headline(preview) == "Renamed without a signal"
    assert "preview-banner" in preview
    # Nor did the preview leave its rendering for readers.
    assert "preview-banner" not in html_of(client, piece.get_absolute_url())
    ContentVersion.bump()  # what code writing without signals does
    public = html_of(client, piece.get_absolute_url())
    assert og_title(public) == headline(public) == "Renamed without a signal"


def test_a_piece_is_kept_per_address_so_a_made_up_query_never_shows_to_others(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    piece = make_article(title="Grain prices")
    url = piece.get_absolute_url()
    odd = html_of(client, f"{url}?page=7")
    assert f"{url}?page=7</p>" in odd  # the print address names what was asked for
    plain = html_of(client, url)
    assert re.search(rf'<p class="print-only print-url">http://testserver{url}</p>', plain)
    other_host = client.get(url, HTTP_HOST="mirror.example").content.decode()
    assert f"http://mirror.example{url}</p>" in other_host
    assert f"http://testserver{url}" not in other_host


@pytest.mark.django_db(transaction=True)
def test_a_save_in_another_process_shows_in_kept_teasers_within_two_seconds(client, settings):
    settings.KAZCMS_CONTENT_VERSION_SECONDS = 1  # as served
    piece = make_article(title="Teased before")
    assert "Teased before" in html_of(client, reverse("home"))
    retitle_in_another_process(piece, "Teased after")
    saved_at = time.monotonic()
    while "Teased after" not in html_of(client, reverse("home")):
        assert time.monotonic() - saved_at < 2, "the other process's save did not show in 2 s"
