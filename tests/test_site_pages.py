"""Simple pages staff edit (About, Contact, Editorial policy, Donate) and the footer that
links them, the donation page and the newsroom's own accounts."""

import re

import pytest
from django.urls import reverse

from articles.models import SitePage, SiteSettings

from .formdata import form_data

pytestmark = pytest.mark.django_db


def footer(client):
    page = client.get(reverse("home")).content.decode()
    return re.search(r'<footer class="site-footer">.*?</footer>', page, re.S).group(0)


def test_an_administrator_writes_a_page_that_readers_find_from_the_footer(admin_client, client):
    url = reverse("admin:articles_sitepage_add")
    data = form_data(admin_client.get(url), "sitepage_form")
    data.update(
        name="Editorial policy",
        slug="",
        description="How we report.",
        body="<p>We correct errors openly.</p><script>alert(1)</script>",
        position="2",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    SitePage.objects.create(name="About us", body="<p>Who.</p>", position=1)
    SitePage.objects.create(name="Jobs", body="<p>None now.</p>", in_footer=False)

    page = client.get("/en/editorial-policy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Editorial policy</h1>" in html and "We correct errors openly." in html
    assert "alert(1)" not in html  # sanitized on save
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer(client))
    assert links[:2] == [
        ("/en/about-us/", "About us"),
        ("/en/editorial-policy/", "Editorial policy"),
    ]
    assert ("/en/jobs/", "Jobs") not in links
    assert client.get("/en/jobs/").status_code == 200  # not in the footer, still reachable


def test_a_page_cannot_take_an_address_the_site_uses(admin_client):
    url = reverse("admin:articles_sitepage_add")
    for taken in ("search", "articles", "regions", "admin"):
        data = form_data(admin_client.get(url), "sitepage_form")
        data.update(name="Taken", slug=taken, body="<p>x</p>")
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert "is already an address of the site" in response.content.decode()
    assert not SitePage.objects.exists()


def test_the_footer_links_donations_and_the_newsrooms_accounts(client):
    assert "Follow us" not in footer(client)  # nothing filled in, nothing shown
    settings_row = SiteSettings.load()
    settings_row.donate_url = "/donate/"
    settings_row.telegram_url = "https://t.me/our_newsroom"
    settings_row.youtube_url = "https://www.youtube.com/@our_newsroom"
    settings_row.save()
    html = footer(client)
    assert '<a href="/donate/">Donate</a>' in html
    follow = re.search(r'<nav aria-label="Follow us">.*?</nav>', html, re.S).group(0)
    assert re.findall(r">(\w+)</a>", follow) == ["Telegram", "YouTube"]


def test_unknown_pages_are_404(client):
    assert client.get("/en/no-such-page/").status_code == 404
    assert client.get("/%00/").status_code in (400, 404)


def test_the_header_shows_the_logo_with_the_site_name(client, settings):
    html = client.get(reverse("home")).content.decode()
    logo = re.search(r'<a class="site-name"[^>]*><img [^>]*></a>', html).group(0)
    assert f'alt="{settings.KAZCMS_SITE_NAME}"' in logo
    assert 'width="300" height="30"' in logo and "img/logo" in logo


def test_the_footer_names_the_funders_in_the_editions_language(client):
    from articles.models import Funder

    from .factories import make_project

    funder = Funder.objects.create(name="Open Fund", translations={"ru": {"name": "Открытый фонд"}})
    make_project(funders=[funder])
    Funder.objects.create(name="Lapsed Donor")  # funds no project: not listed
    english = footer(client)
    assert f'<a href="/en/funders/{funder.slug}/">Open Fund</a>' in english
    assert "Lapsed Donor" not in english
    russian = re.search(
        r'<footer class="site-footer">.*?</footer>', client.get("/ru/").content.decode(), re.S
    ).group(0)
    assert f'<a href="/ru/funders/{funder.slug}/">Открытый фонд</a>' in russian
