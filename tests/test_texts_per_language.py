"""Names and texts per language: regions, topics, programmes, projects, funders, site pages and
the site-wide texts, each written once per language in the admin and shown in its edition,
falling back to the default language's text, marked with its ``lang``."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Funder, Region, SitePage, SiteSettings, Topic
from newsletter.models import NewsletterSettings

from .factories import make_article, make_programme, make_project
from .formdata import form_data

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def kazakhstan():
    return Region.objects.create(
        name="Kazakhstan",
        description="Our reporting from the largest country of the region.",
        translations={
            "ru": {"name": "Казахстан", "description": "Наши материалы о крупнейшей стране."},
            "kk": {"name": "Қазақстан"},
        },
    )


def test_an_editor_names_a_region_in_each_language_in_the_admin(admin_client):
    url = reverse("admin:articles_region_add")
    form = admin_client.get(url).content.decode()
    # One folded section per other language, each with the same fields.
    for code, language in (("ru", "Russian"), ("kk", "Kazakh"), ("ky", "Kyrgyz")):
        assert f'name="name__{code}"' in form and f'name="description__{code}"' in form
        assert f"{language} ({code})" in form
    assert 'name="translations"' not in form  # the raw store is not shown
    data = form_data(admin_client.get(url), "region_form")
    data.update(name="Kyrgyzstan", slug="kyrgyzstan", name__ru="Кыргызстан", name__ky="Кыргызстан")
    data.update(description__ru="  ", name__kk="")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    region = Region.objects.get(name="Kyrgyzstan")
    # Only what was written: empty languages and fields are left out.
    assert region.translations == {"ru": {"name": "Кыргызстан"}, "ky": {"name": "Кыргызстан"}}

    change = reverse("admin:articles_region_change", args=[region.pk])
    data = form_data(admin_client.get(change), "region_form")
    assert data["name__ru"] == "Кыргызстан" and data["name__kk"] == ""
    data["name__kk"] = "Қырғызстан"
    assert admin_client.post(change, data).status_code == 302
    region.refresh_from_db()
    assert region.translations["kk"] == {"name": "Қырғызстан"}


def test_each_edition_names_regions_in_its_language_or_marks_the_fallback(client):
    region = kazakhstan()
    for language in ("en", "ru", "kk", "ky"):
        make_article(regions=[region], language=language, slug=f"piece-{language}")
    assert "Kazakhstan</a>" in page(client, "/en/regions/")
    assert ">Казахстан</a>" in page(client, "/ru/regions/")
    assert ">Қазақстан</a>" in page(client, "/kk/regions/")
    # No Kyrgyz name: the English one, said to be English.
    assert '<span lang="en">Kazakhstan</span></a>' in page(client, "/ky/regions/")

    russian = page(client, f"/ru/regions/{region.slug}/")
    assert "<h1>Казахстан</h1>" in russian
    assert '<p class="intro">Наши материалы о крупнейшей стране.</p>' in russian
    kazakh = page(client, f"/kk/regions/{region.slug}/")
    assert "<h1>Қазақстан</h1>" in kazakh
    # Its introduction is written in English only.
    assert (
        '<p class="intro"><span lang="en">Our reporting from the largest country of the region.'
        in kazakh
    )


def test_the_region_index_of_an_edition_counts_only_that_editions_pieces(client):
    region, topic = kazakhstan(), Topic.objects.create(name="Water")
    make_article(regions=[region], topics=[topic], language="en")
    make_article(regions=[region], language="ru")
    make_article(regions=[region], language="ru")
    assert re.search(r"Kazakhstan</a> <span[^>]*>1 piece<", page(client, "/en/regions/"))
    assert re.search(r"Казахстан</a> <span[^>]*>2 ", page(client, "/ru/regions/"))
    assert "Water" not in page(client, "/ru/topics/")  # no Russian piece on water


def test_a_russian_piece_names_its_tags_programme_and_funding_in_russian(client):
    region = kazakhstan()
    programme = make_programme(
        name="Central Asia Bureau",
        organisation="Reporting Institute",
        translations={
            "ru": {"name": "Бюро по Центральной Азии", "organisation": "Института репортажа"}
        },
    )
    funder = Funder.objects.create(name="Open Fund", translations={"ru": {"name": "Открытый фонд"}})
    project = make_project(
        funders=[funder],
        name="Voices",
        translations={
            "ru": {
                "name": "Голоса",
                "acknowledgement": "Материал подготовлен в рамках проекта {project} при "
                "поддержке {funders}.",
            }
        },
    )
    piece = make_article(
        regions=[region], projects=[project], programme=programme, language="ru", slug="statya"
    )
    html = page(client, piece.get_absolute_url())
    assert ">Казахстан</a></li>" in html
    assert "Бюро по Центральной Азии — проект Института репортажа" in html
    assert (
        '<p class="acknowledgement">Материал подготовлен в рамках проекта Голоса при поддержке '
        "Открытый фонд."
    ) in html
    assert '"name":"Голоса"' in html and '"keywords":["Казахстан"]' in html  # JSON-LD

    english = make_article(regions=[region], projects=[project], programme=programme)
    html = page(client, english.get_absolute_url())
    assert "Central Asia Bureau is a project of Reporting Institute" in html
    assert "produced under IWPR project Voices, funded by Open Fund." in html


def test_a_page_without_a_description_describes_itself_by_the_editions_name(client):
    funder = Funder.objects.create(
        name="Open Fund", slug="open-fund", translations={"ru": {"name": "Открытый фонд"}}
    )
    russian = page(client, f"/ru/funders/{funder.slug}/")
    assert "<h1>Открытый фонд</h1>" in russian
    assert '<meta name="description" content="Донор: Открытый фонд">' in russian
    assert '<meta name="description" content="Funder: Open Fund">' in page(
        client, f"/en/funders/{funder.slug}/"
    )


def test_the_shipped_site_texts_come_in_each_editions_language(client):
    # Untouched defaults come from the interface catalogue.
    russian = page(client, "/ru/")
    assert "Поддержите местных журналистов" in russian
    assert NewsletterSettings.load().translated("title", "ru") in russian
    assert "Support local journalists" not in russian
    assert "Support local journalists" in page(client, "/en/")

    # Texts staff wrote: their translation where written, else theirs marked as English.
    SiteSettings.objects.create(
        donate_title="Keep us reporting",
        footer_text="Registered charity 123.",
        translations={"ru": {"donate_title": "Помогите нам работать"}},
    )
    russian = page(client, "/ru/")
    assert "<h2>Помогите нам работать</h2>" in russian
    assert '<p><span lang="en">Registered charity 123.</span></p>' in russian
    assert "<h2>Keep us reporting</h2>" in page(client, "/en/")


def test_newsletter_texts_written_per_language_show_in_the_call_and_on_the_sign_up_page(client):
    NewsletterSettings.objects.create(
        title="The Steppe Letter", translations={"ru": {"title": "Письма из степи"}}
    )
    assert "<h2>Письма из степи</h2>" in page(client, "/ru/")
    assert "Письма из степи" in page(client, "/ru/newsletter/")
    assert "<h2>The Steppe Letter</h2>" in page(client, "/en/")


def test_a_site_page_is_written_per_language_and_falls_back_marked(admin_client, client):
    url = reverse("admin:articles_sitepage_add")
    data = form_data(admin_client.get(url), "sitepage_form")
    data.update(
        name="About us",
        slug="about",
        body="<p>Who we are.</p>",
        name__ru="О нас",
        body__ru="<p>Кто мы.</p><script>alert(1)</script>",
        position="1",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = SitePage.objects.get(slug="about")
    assert "script" not in saved.translations["ru"]["body"]  # sanitized like the English text

    russian = page(client, "/ru/about/")
    assert "<h1>О нас</h1>" in russian and "<p>Кто мы.</p>" in russian
    assert "alert(1)" not in russian and "Who we are" not in russian
    assert '<a href="/ru/about/">О нас</a>' in russian  # the footer link too
    kazakh = page(client, "/kk/about/")
    assert '<h1><span lang="en">About us</span></h1>' in kazakh
    assert '<div class="body"><div lang="en"><p>Who we are.</p></div></div>' in kazakh


def test_search_filters_and_feeds_name_terms_in_the_editions_language(client):
    region = kazakhstan()
    make_article(regions=[region], language="ru", slug="statya")
    search = page(client, "/ru/search/")
    assert f'<option value="{region.slug}">Казахстан</option>' in search
    assert "Любой регион" in search
    feed = page(client, f"/ru/regions/{region.slug}/feed/")
    assert "<title>Steppe Times: Казахстан</title>" in feed or ": Казахстан</title>" in feed
    assert "<category>Казахстан</category>" in feed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores no search words")
def test_a_renamed_translation_refreshes_the_search_words_of_its_pieces(client):
    region = Region.objects.create(name="Ferghana Valley")
    make_article(regions=[region], language="ru", slug="dolina", title="Вода и поля")
    region.translations = {"ru": {"name": "Ферганская долина"}}
    region.save()
    results = page(client, "/ru/search/?q=Ферганская")
    assert "Вода и поля" in results


def test_library_photo_texts_are_marked_as_the_default_language_on_other_editions(client):
    from .factories import make_photo

    photo = make_photo()
    piece = make_article(lead_photo=photo, language="ru", slug="s-foto")
    html = page(client, piece.get_absolute_url())
    assert f'alt="{photo.alt_text}" lang="en"' in html
    assert f'<figcaption><span lang="en">{photo.caption}' in html
    english = page(client, make_article(lead_photo=photo).get_absolute_url())
    assert f'alt="{photo.alt_text}" width=' in english and '<span lang="en">' not in english


def test_a_persons_role_and_bio_are_written_per_language(client):
    from .factories import make_person

    person = make_person(
        role="Analyst", bio="Writes on water.", translations={"ru": {"role": "Аналитик"}}
    )
    make_article(authors=[person], language="ru", slug="voda")
    html = page(client, f"/ru/people/{person.slug}/")
    assert '<p class="role">Аналитик</p>' in html
    assert '<p class="intro"><span lang="en">Writes on water.</span></p>' in html
