"""One edition per language: each edition's pages show its own pieces, every page names its
translations (hreflang, the switcher, og:locale, JSON-LD, sitemaps), and an address without a
prefix finds the reader's edition."""

import json
import os
import re

import feedparser
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree

from articles.models import Article, Region
from interviews.models import Interview

from .factories import make_article, make_draft, make_interview

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

pytestmark = pytest.mark.django_db


def edition_url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def translate(piece, language, **fields):
    """A published translation of ``piece``: its own piece sharing the translation key."""
    return make_article(
        model=piece.piece_model,
        translation_key=piece.translation_key,
        language=language,
        **{"title": f"{piece.title} ({language})", **fields},
    )


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher(html):
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav))


@pytest.fixture
def pair():
    now = timezone.now()  # recent: the news sitemap lists the last two days
    english = make_article(title="Water and power", slug="water", published_at=now)
    russian = translate(english, "ru", title="Вода и энергия", slug="voda", published_at=now)
    return english, russian


def test_an_address_without_a_prefix_goes_to_the_readers_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").url == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="kk").url == "/kk/"
    assert client.get("/").url == f"/{settings.LANGUAGE_CODE}/"
    piece = make_article(slug="old-address")
    # An old English address, followed by a Russian reader: the piece's own edition.
    response = client.get("/articles/old-address/", HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    assert response.redirect_chain[-1][0] == piece.get_absolute_url() == "/en/articles/old-address/"
    assert response.status_code == 200


def test_each_edition_lists_only_its_own_pieces(client, pair):
    english, russian = pair
    kazakh = make_article(title="Жер туралы", language="kk")
    region = Region.objects.create(name="Kazakhstan")
    for piece in (english, russian, kazakh):
        piece.regions.add(region)
    pages = {
        "en": [english],
        "ru": [russian],
        "kk": [kazakh],
        "ky": [],
    }
    for language, own in pages.items():
        others = [p for p in (english, russian, kazakh) if p not in own]
        for url in (
            edition_url("home", language),
            edition_url("articles:list", language),
            edition_url("articles:region", language, region.slug),
            edition_url("articles:archive", language),
            edition_url("articles:search", language) + "?region=" + region.slug,
        ):
            html = client.get(url).content.decode()
            if "archive" not in url:
                for piece in own:
                    assert piece.title in html, (url, piece.title)
            for piece in others:
                assert piece.title not in html, (url, piece.title)
        feed = feedparser.parse(client.get(edition_url("articles:feed", language)).content)
        assert [entry.title for entry in feed.entries] == [piece.title for piece in own]
        assert feed.feed.language == language


def test_a_piece_names_its_translations_both_ways(client, pair):
    english, russian = pair
    draft = make_draft(translation_key=english.translation_key, language="kk", title="Жоба")
    english_html = client.get(english.get_absolute_url()).content.decode()
    russian_html = client.get(russian.get_absolute_url()).content.decode()
    base = "http://testserver"
    expected = {
        "en": base + english.get_absolute_url(),
        "ru": base + russian.get_absolute_url(),
        "x-default": base + english.get_absolute_url(),
    }
    # Reciprocal: each page names both, and the unpublished Kazakh draft nowhere.
    assert alternates(english_html) == expected == alternates(russian_html)
    assert draft.title not in english_html + russian_html
    # The switcher: the translation where there is one, else that edition's home.
    assert switcher(english_html) == {
        "en": english.get_absolute_url(),
        "ru": russian.get_absolute_url(),
        "kk": "/kk/",
        "ky": "/ky/",
    }
    assert 'lang="en" hreflang="en" aria-current="true"' in english_html
    assert '<html lang="ru" dir="ltr">' in russian_html
    assert 'property="og:locale" content="ru_RU"' in russian_html
    assert 'property="og:locale:alternate" content="en_GB"' in russian_html
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', russian_html)
    article = next(n for n in json.loads(block)["@graph"] if "headline" in n)
    assert article["inLanguage"] == "ru"


def test_a_listing_names_every_edition_and_x_default_without_a_prefix(client):
    html = client.get(edition_url("articles:list", "kk")).content.decode()
    links = alternates(html)
    assert links == {
        **{code: f"http://testserver/{code}/articles/" for code, _ in settings.LANGUAGES},
        "x-default": "http://testserver/articles/",
    }
    assert switcher(html)["ru"] == "/ru/articles/"
    assert '<html lang="kk" dir="ltr">' in html


def test_a_piece_asked_for_in_another_edition_goes_to_its_own(client, pair):
    english, _russian = pair
    response = client.get(f"/ky/articles/{english.slug}/")
    assert response.status_code == 302 and response.url == english.get_absolute_url()
    assert client.get("/ru/articles/no-such-piece/").status_code == 404
    hidden = make_draft(slug="hidden-draft")
    assert client.get(f"/ru/articles/{hidden.slug}/").status_code == 404


def test_slugs_are_unique_per_edition_only(pair):
    english, _russian = pair
    same = translate(english, "kk", slug="water")
    assert same.slug == "water"  # another edition may use it
    again = make_article(title="Water", slug="water")
    assert again.slug == "water-2"  # within one edition it must differ


def test_the_sitemap_lists_each_piece_once_with_its_translations(client, pair):
    english, russian = pair
    root = etree.fromstring(client.get(reverse("sitemaps:section", args=["pieces"])).content)
    entries = {
        url.findtext(f"{SM}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SM}url")
    }
    en, ru = (f"http://testserver{p.get_absolute_url()}" for p in (english, russian))
    assert entries[en] == entries[ru] == {"en": en, "ru": ru, "x-default": en}
    pages = etree.fromstring(client.get(reverse("sitemaps:section", args=["pages"])).content)
    homes = [url.findtext(f"{SM}loc") for url in pages.findall(f"{SM}url")]
    assert {f"http://testserver/{code}/" for code, _ in settings.LANGUAGES} <= set(homes)
    news = client.get(reverse("sitemaps:news")).content.decode()
    assert "<news:language>ru</news:language>" in news
    assert "<news:language>en</news:language>" in news


def test_previews_show_a_piece_in_its_own_language(client, editor):
    client.force_login(editor)
    draft = make_draft(language="ru", title="Черновик")
    html = client.get(edition_url("articles:preview", "en", draft.pk)).content.decode()
    assert '<html lang="ru"' in html and "Черновик" in html
    assert 'hreflang="x-default"' not in html  # a preview names no alternates


def test_search_finds_cyrillic_words_in_any_case_in_its_edition(client):
    kazakh = make_article(title="Жер реформасы", body="<p>ӨЗЕН жағасы, әкімдік</p>", language="kk")
    english = make_article(title="Жер and water", language="en")
    for word in ("жер", "ЖЕР", "өзен", "Әкімдік"):
        html = client.get(edition_url("articles:search", "kk"), {"q": word}).content.decode()
        assert kazakh.get_absolute_url() in html, word
        assert english.get_absolute_url() not in html  # the English edition's piece
    assert english.get_absolute_url() in client.get("/en/search/", {"q": "жер"}).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_russian_words_are_found_inflected_in_the_russian_edition(client):
    make_article(title="Выборы в парламент", body="<p>Реформа системы</p>", language="ru")
    for word in ("выборах", "реформы"):
        html = client.get("/ru/search/", {"q": word}).content.decode()
        assert "Выборы в парламент" in html, word


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_an_edition_costs_the_same_queries_whatever_its_size(client, language):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = make_article(language=language)
    piece_url, home_url = first.get_absolute_url(), edition_url("home", language)
    list_url = edition_url("articles:list", language)
    small = [queries(url) for url in (piece_url, home_url, list_url)]
    for _n in range(8):
        piece = make_article(language=language)
        translate(piece, "en" if language != "en" else "ru")
    make_interview(segments=3, language=language)
    translate(first, "kk" if language != "kk" else "ky")
    assert [queries(url) for url in (piece_url, home_url, list_url)] == small


def test_an_interview_translation_is_its_own_piece_with_its_own_segments(client):
    english = make_interview(segments=2, title="Borders")
    russian = translate(english, "ru", title="Границы", interviewee=english.interviewee)
    russian.segments.create(position=1, question="Что изменилось?", answer="<p>Всё.</p>")
    html = client.get(russian.get_absolute_url()).content.decode()
    assert "Что изменилось?" in html and "Question 1?" not in html
    assert alternates(html)["en"].endswith(english.get_absolute_url())
    assert Article.objects.filter(translation_key=english.translation_key).count() == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["Последние материалы", "Перейти к содержанию", "Поделиться материалом"]),
        ("kk", ["Соңғы материалдар", "Мазмұнға өту", "Материалмен бөлісу"]),
    ],
)
def test_the_interface_speaks_the_editions_language(client, language, words):
    piece = make_interview(segments=2, language=language)  # the second has no labels
    home = client.get(edition_url("home", language)).content.decode()
    page = client.get(piece.get_absolute_url()).content.decode()
    assert words[0] in home and words[1] in home
    assert words[2] in page
    assert ("Вопрос:" if language == "ru" else "Сұрақ:") in page  # for screen readers
    assert "Skip to content" not in home and "Share this piece" not in page
    missing = client.get(f"/{language}/articles/no-such-piece/").content.decode()
    assert ("Страница не найдена" if language == "ru" else "Бет табылмады") in missing
    # Dates in the edition's language: a Russian or Kazakh month name, never an English one.
    english_months = {
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    }
    assert not any(month in home for month in english_months)


def test_the_demo_has_the_interview_in_english_and_russian_and_a_kazakh_only_piece(client):
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    english = Interview.objects.get(language="en", slug="after-the-shootings-what-next")
    russian = Interview.objects.get(translation_key=english.translation_key, language="ru")
    assert russian.segments.exists() and russian.segments.first().question.startswith("Были")
    assert russian.title in client.get("/ru/").content.decode()
    kazakh = Article.objects.get(language="kk")
    assert kazakh.title in client.get("/kk/").content.decode()
    assert not Article.objects.filter(translation_key=kazakh.translation_key).exclude(pk=kazakh.pk)
    links = alternates(client.get(english.get_absolute_url()).content.decode())
    assert set(links) == {"en", "ru", "x-default"}
