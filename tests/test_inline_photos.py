"""Photos inside the text of a piece: picked from the library in the rich-text editor, stored
as a figure naming the photo and its place, drawn on the page with renditions, alt text,
caption and credit; other images are refused on save and never shown."""

import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ContentVersion, Photo

from .factories import make_article, make_person, make_photo
from .formdata import form_data

pytestmark = pytest.mark.django_db


def figure(photo, placement="right", alt="Edited alt", caption="Edited caption"):
    """A figure as the editor stores it after "Browse…" in the figure dialog."""
    return (
        f'<figure class="figure"><img src="/media/whatever.jpg" alt="{alt}" '
        f'data-file="{photo.pk}:{placement}"><figcaption>{caption}</figcaption></figure>'
    )


def test_the_body_editor_offers_the_library_picker(editor_client):
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    body = re.search(r'<textarea name="body"[^>]*data-django-prose-editor[a-z-]*="([^"]*)"', page)
    extensions = json.loads(html.unescape(body.group(1)))["extensions"]
    assert extensions["Figure"] == {"pickerUrl": reverse("admin:articles_photo_pick")}
    assert extensions["Image"] and extensions["Caption"]


def test_the_picker_lists_searches_and_hands_back_photo_and_place(editor_client):
    photographer = make_person(name="Andrei Grishin")
    border = make_photo(
        caption="Border queue", alt_text="Lorries at a border", credit_person=photographer
    )
    make_photo(caption="Cotton harvest", alt_text="Pickers in a field")
    url = reverse("admin:articles_photo_pick")
    response = editor_client.get(url, {"CKEditorFuncNum": "-3", "q": "border"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-callback="-3"' in page and "Cotton harvest" not in page
    buttons = re.findall(r'<button[^>]*class="button photo-picker-insert"[^>]*>', page)
    assert {re.search(r'data-id="([^"]*)"', b).group(1) for b in buttons} == {
        f"{border.pk}:full",
        f"{border.pk}:right",
        f"{border.pk}:left",
    }
    src = re.search(r'data-src="([^"]*)"', buttons[0]).group(1)
    assert src and src != border.image.url  # a rendition, not the original upload
    assert "Photo: Andrei Grishin" in page and "articles/photo_picker.js" in page
    # Hostile input is answered, never a 500, and the callback number is never echoed raw.
    for query in ({"CKEditorFuncNum": "alert(1)"}, {"page": "²"}, {"q": "\x00" * 3}):
        response = editor_client.get(url, query)
        assert response.status_code in (200, 400, 404)
        assert "alert(1)" not in response.content.decode()


def test_the_picker_is_for_staff_only(client):
    response = client.get(reverse("admin:articles_photo_pick"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_photo_in_the_text_is_drawn_with_renditions_caption_and_credit(editor_client, client):
    photo = make_photo(caption="Library caption", credit_person=make_person(name="Dana Omar"))
    url = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(url), "article_form")
    data.update(
        title="Water and photos",
        slug="water-and-photos",
        standfirst="Where the canals run dry.",
        lead_photo=str(photo.pk),
        status="published",
        published_at_0="2026-01-01",
        published_at_1="10:00",
        body=f"<p>Before.</p>{figure(photo)}<p>After.</p>",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    piece = Article.objects.get(slug="water-and-photos")
    assert list(piece.inline_photos.all()) == [photo]

    page = client.get(piece.get_absolute_url()).content.decode()
    drawn = re.search(
        r'<figure class="photo inline-photo inline-photo-right">.*?</figure>', page, re.S
    )
    assert drawn, "the figure is drawn in the house markup"
    drawn = drawn.group(0)
    assert 'alt="Edited alt"' in drawn and "srcset=" in drawn
    assert re.search(r'width="\d+" height="\d+"', drawn)
    assert "Edited caption." in drawn and "Dana Omar" in drawn
    assert "/media/whatever.jpg" not in page  # the stored src is never used


def test_an_image_from_elsewhere_is_refused_and_the_text_kept(editor_client):
    url = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(url), "article_form")
    data.update(
        title="Tracked",
        slug="tracked",
        body='<p>Words I typed.</p><p><img src="https://tracker.example/pixel.gif" alt=""></p>',
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert not Article.objects.filter(slug="tracked").exists()
    page = response.content.decode()
    assert "only photos of the library can stand in it" in page and "Words I typed." in page


def test_pages_never_show_images_that_name_no_library_photo(client):
    photo = make_photo()
    piece = make_article(
        body=f"<p>Text.</p>{figure(photo)}"
        '<figure class="figure"><img src="https://x.example/a.jpg" alt="x"></figure>'
        '<img src="https://y.example/b.gif" data-file="999999:full">'
    )
    photo_pk = photo.pk
    Photo.objects.filter(pk=photo_pk).delete()  # gone from the library since
    page = client.get(piece.get_absolute_url()).content.decode()
    body = page.split('class="body"')[1].split("</div>")[0]
    assert "<img" not in body and "Text." in body


def test_a_photo_used_in_a_text_is_listed_and_cannot_be_deleted(editor_client):
    photo = make_photo()
    piece = make_article(title="Uses it inline", body=figure(photo, "full"))
    page = editor_client.get(
        reverse("admin:articles_photo_change", args=[photo.pk])
    ).content.decode()
    assert "Uses it inline" in page and "in the text" in page
    response = editor_client.post(
        reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}, follow=True
    )
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert "cannot be deleted" in response.content.decode()
    assert piece.inline_photos.get() == photo


def test_a_text_without_photos_costs_no_query(client):
    plain = make_article(body="<p>Only words.</p>")
    with_photo = make_article(body=figure(make_photo()))
    # Each page read once: the site-wide reads are warm, each piece's own reads are not.
    client.get(plain.get_absolute_url())
    ContentVersion.bump()  # no piece kept: both pages read their piece
    client.get(reverse("home"))  # the shared reads (settings, the call box) again
    with CaptureQueriesContext(connection) as plain_queries:
        client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as photo_queries:
        client.get(with_photo.get_absolute_url())
    assert len(photo_queries) == len(plain_queries) + 1  # the photos of the text, in one
