"""The photo pipeline: safe uploads through the admin, metadata stripping, credits, the library."""

import io
import re
import struct
import zlib
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from articles.models import Article, Photo
from articles.photos import renditions

from .factories import image_bytes, make_article, make_draft, make_person, make_photo

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_photo_add"


def jpeg_with_metadata(size=(320, 200), orientation=None, artist="", copyright_="", iptc=None):
    """A JPEG carrying what must never reach readers: GPS, camera serial, owner, XMP, comment."""
    image = Image.new("RGB", size, (20, 40, 200))
    image.paste((230, 20, 20), (0, 0, size[0] // 4, size[1] // 4))  # red mark top-left
    exif = Image.Exif()
    exif[0x0110] = "Canon EOS R5"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 57.0, 0.0)}
    exif[ExifTags.IFD.Exif] = {0xA431: "SERIAL12345", 0xA430: "Owner Secretname"}
    if orientation:
        exif[0x0112] = orientation
    if artist:
        exif[0x013B] = artist
    if copyright_:
        exif[0x8298] = copyright_
    extra = b""
    if iptc:
        extra = _iptc_app13(iptc)
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=exif,
        comment=b"shot at the safe house",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        b'photoshop:City="Secretville" exif:GPSLatitude="43,15.5N"/></rdf:RDF></x:xmpmeta>',
        extra=extra,
    )
    return buffer.getvalue()


def _iptc_app13(records):
    data = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value
        for key, value in records.items()
    )
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(data)) + data
    if len(data) % 2:
        block += b"\x00"
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def png_header_only(width, height):
    """A tiny PNG that claims to be enormous: a decompression bomb's header."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def post_photo(client, name, content, content_type="image/jpeg", **fields):
    data = {
        "image": SimpleUploadedFile(name, content, content_type=content_type),
        "caption": "Market day in Osh",
        "alt_text": "Stalls of melons under awnings",
        "credit_person": "",
        "credit_text": fields.pop("credit_text", "Staff photographer"),
        "copyright_holder": "",
        "licence": Photo.Licence.ALL_RIGHTS_RESERVED,
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
        **fields,
    }
    return client.post(reverse(ADD_URL), data)


def stored_files(media_root):
    root = Path(media_root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_refused(response, media_root, message):
    assert response.status_code == 200, "the form should be shown again"
    errors = " ".join(response.context["adminform"].form.errors.get("image", []))
    assert message in errors, errors
    assert Photo.objects.count() == 0
    assert stored_files(media_root) == [], "a refused upload left files behind"


class TestRefusals:
    def test_gif_is_refused(self, editor_client, media_root):
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20)).save(buffer, "GIF")
        response = post_photo(editor_client, "anim.gif", buffer.getvalue(), "image/gif")
        assert_refused(response, media_root, "Upload a JPEG, PNG or WebP photo")

    def test_text_file_named_jpg_is_refused(self, editor_client, media_root):
        response = post_photo(editor_client, "photo.jpg", b"just some text, not a photo")
        assert_refused(response, media_root, "Upload a JPEG, PNG or WebP photo")

    @pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
    def test_svg_is_refused(self, editor_client, media_root, name):
        svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        response = post_photo(editor_client, name, svg, "image/svg+xml")
        assert_refused(response, media_root, "SVG drawings are not accepted")

    def test_content_not_matching_name_is_refused(self, editor_client, media_root):
        response = post_photo(editor_client, "photo.jpg", image_bytes(fmt="PNG"))
        assert_refused(response, media_root, "named like a .jpg file but contains a PNG image")

    def test_truncated_jpeg_is_refused(self, editor_client, media_root):
        content = jpeg_with_metadata(size=(600, 400))
        response = post_photo(editor_client, "cut.jpg", content[: len(content) * 2 // 3])
        assert_refused(response, media_root, "damaged or only partly uploaded")

    def test_decompression_bomb_is_refused_before_decoding(
        self, editor_client, media_root, monkeypatch
    ):
        def no_decoding(self):
            raise AssertionError("a bomb was decoded")

        monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
        response = post_photo(editor_client, "bomb.png", png_header_only(60000, 60000), "image/png")
        assert_refused(response, media_root, "the limit is 40 megapixels")

    def test_too_many_pixels_is_refused_with_the_limit(self, editor_client, media_root, settings):
        settings.KAZCMS_MAX_IMAGE_PIXELS = 10_000
        response = post_photo(editor_client, "big.jpg", image_bytes(size=(200, 100)))
        assert_refused(response, media_root, "200×100 pixels")
        assert "the limit is 0.01 megapixels" in response.content.decode()

    def test_too_many_bytes_is_refused_before_pillow_opens_it(
        self, editor_client, media_root, settings, monkeypatch
    ):
        settings.KAZCMS_MAX_UPLOAD_BYTES = 1000

        def no_opening(*args, **kwargs):
            raise AssertionError("Pillow opened an oversized upload")

        monkeypatch.setattr("PIL.Image.open", no_opening)
        response = post_photo(editor_client, "heavy.jpg", b"\xff\xd8\xff" + b"0" * 5000)
        assert_refused(response, media_root, "the largest upload allowed is 1000\xa0bytes")

    def test_shell_path_refuses_and_leaves_nothing(self, media_root):
        from django.core.exceptions import ValidationError

        photo = Photo(caption="x", alt_text="x", credit_text="x")
        photo.image.save("x.jpg", SimpleUploadedFile("x.jpg", b"not an image"), save=False)
        with pytest.raises(ValidationError):
            photo.save()
        assert Photo.objects.count() == 0
        assert stored_files(media_root) == []


class TestAcceptedUploads:
    @pytest.mark.parametrize(
        "name",
        [
            "../../etc/passwd.jpg",
            "Фото " * 60 + ".jpg",
            "bad\x00na\x07me\n.jpg",
        ],
    )
    def test_hostile_names_are_stored_under_generated_names(self, editor_client, name):
        response = post_photo(editor_client, name, image_bytes(size=(64, 48)))
        assert response.status_code == 302, response.context["adminform"].form.errors
        photo = Photo.objects.get()
        assert re.fullmatch(r"photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", photo.image.name)
        assert len(photo.original_filename) <= 255
        assert "/" not in photo.original_filename
        assert not any(ord(ch) < 32 for ch in photo.original_filename)

    def test_png_and_webp_are_accepted(self, editor_client):
        for fmt, ext in (("PNG", "png"), ("WEBP", "webp")):
            response = post_photo(editor_client, f"p.{ext}", image_bytes(fmt=fmt), f"image/{ext}")
            assert response.status_code == 302
        assert sorted(p.image.name.rsplit(".", 1)[1] for p in Photo.objects.all()) == [
            "png",
            "webp",
        ]


def _served_image_names(html):
    """Every media file a page points at (src and srcset), as storage names."""
    urls = re.findall(r'src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [part.strip().split(" ")[0] for part in srcset.split(",")]
    return {url.removeprefix("/media/") for url in urls if url.startswith("/media/")}


def assert_no_private_metadata(content):
    image = Image.open(io.BytesIO(content))
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo), "GPS survived"
    assert ExifTags.IFD.GPSInfo not in exif
    assert 0x0110 not in exif and not exif.get_ifd(ExifTags.IFD.Exif)
    for key in ("exif", "xmp", "comment", "photoshop", "XML:com.adobe.xmp"):
        assert key not in image.info, key
    for secret in (b"SERIAL12345", b"Secretname", b"Secretville", b"safe house", b"GPS"):
        assert secret not in content, secret


class TestMetadata:
    def test_gps_is_stripped_from_the_original_and_every_rendition_served(
        self, editor_client, client
    ):
        response = post_photo(editor_client, "gps.jpg", jpeg_with_metadata(size=(1800, 1200)))
        assert response.status_code == 302
        photo = Photo.objects.get()
        article = make_article(lead_photo=photo)
        names = _served_image_names(client.get(article.get_absolute_url()).content.decode())
        names |= {photo.image.name, *renditions.file_names(photo)}
        assert photo.image.name in names and len(names) >= 10
        for name in names:
            with default_storage.open(name) as file:
                assert_no_private_metadata(file.read())

    def test_factory_path_also_strips_and_removes_the_unstripped_file(self, media_root):
        photo = Photo(caption="c", alt_text="a", credit_text="x")
        photo.image.save("gps.jpg", SimpleUploadedFile("gps.jpg", jpeg_with_metadata()), False)
        unstripped = photo.image.name
        photo.save()
        assert photo.image.name != unstripped
        assert not default_storage.exists(unstripped)
        with default_storage.open(photo.image.name) as file:
            assert_no_private_metadata(file.read())

    def test_orientation_is_applied_before_stripping(self, editor_client):
        # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it upright.
        content = jpeg_with_metadata(size=(320, 200), orientation=6)
        assert post_photo(editor_client, "turned.jpg", content).status_code == 302
        photo = Photo.objects.get()
        assert (photo.width, photo.height) == (200, 320)
        with default_storage.open(photo.image.name) as file:
            stored = Image.open(file)
            stored.load()
        assert stored.size == (200, 320)
        assert 0x0112 not in stored.getexif()
        red, _, blue = stored.getpixel((stored.width - 10, 10))  # the mark is now top-right
        assert red > 150 and blue < 100
        red, _, blue = stored.getpixel((10, 10))
        assert blue > 150 and red < 100

    def test_credit_and_copyright_prefilled_from_exif(self, editor_client):
        content = jpeg_with_metadata(artist="Jane Lens", copyright_="(c) Jane Lens 2026")
        response = post_photo(editor_client, "c.jpg", content, credit_text="")
        assert response.status_code == 302
        photo = Photo.objects.get()
        assert (photo.credit_text, photo.copyright_holder) == ("Jane Lens", "(c) Jane Lens 2026")
        follow = editor_client.get(response["Location"])
        assert "filled in from the photo" in follow.content.decode()

    def test_credit_prefilled_from_iptc_byline(self, editor_client):
        content = jpeg_with_metadata(iptc={(2, 80): b"Asel Byline", (2, 116): b"Agency X"})
        assert post_photo(editor_client, "i.jpg", content, credit_text="").status_code == 302
        photo = Photo.objects.get()
        assert (photo.credit_text, photo.copyright_holder) == ("Asel Byline", "Agency X")

    def test_editor_credit_is_never_overwritten(self, editor_client):
        content = jpeg_with_metadata(artist="Camera Owner")
        post_photo(editor_client, "c.jpg", content, credit_text="Name withheld")
        assert Photo.objects.get().credit_text == "Name withheld"


class TestCredits:
    def test_house_style_caption_and_linked_credit(self, client):
        person = make_person(name="Nurlan Ospanov")
        photo = make_photo(caption="Police in Almaty", credit_person=person)
        article = make_article(lead_photo=photo)
        html = client.get(article.get_absolute_url()).content.decode()
        assert (
            f'Police in Almaty. (Photo: <a href="{person.get_absolute_url()}">Nurlan Ospanov</a>)'
            in html
        )

    def test_free_text_credit(self, client):
        photo = make_photo(caption="Skyline at dusk!", credit_text="Newsroom archive")
        html = client.get(make_article(lead_photo=photo).get_absolute_url()).content.decode()
        assert "Skyline at dusk! (Photo: Newsroom archive)" in html

    def test_teaser_carries_the_credit(self, client):
        make_article(title="Teased", lead_photo=make_photo(credit_text="Agency Y"))
        make_article(title="Lead", is_featured=True)
        assert "Photo: Agency Y" in client.get(reverse("articles:list")).content.decode()

    def test_image_object_for_structured_data(self, rf):
        person = make_person(name="Dana Zh")
        photo = make_photo(
            caption="Fields",
            credit_person=person,
            copyright_holder="Dana Zh",
            licence=Photo.Licence.CC_BY,
        )
        data = photo.as_image_object(rf.get("/"))
        assert data["@type"] == "ImageObject"
        # A rendition, never the original upload (which may be 25 MB).
        assert data["contentUrl"] == f"http://testserver{photo.published_file()[0]}"
        assert photo.published_file()[0] != photo.image.url
        assert (data["width"], data["height"]) == (64, 48)
        assert data["caption"] == "Fields" and data["creditText"] == "Dana Zh"
        assert data["creator"] == {
            "@type": "Person",
            "name": "Dana Zh",
            "url": f"http://testserver{person.get_absolute_url()}",
        }
        assert data["copyrightNotice"] == "Dana Zh"
        assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"


def _article_form_data(client, url, **changes):
    """The change form exactly as the browser posts it, asking to publish."""
    from .formdata import form_data

    data = form_data(client.get(url), "article_form")
    data.update({"status": Article.Status.PUBLISHED, "_save": "Save", **changes})
    return data


class TestPublishRule:
    def test_admin_refuses_to_publish_with_a_lead_photo_lacking_alt_text(self, editor_client):
        photo = make_photo(caption="Market day", alt_text="")
        draft = make_draft(lead_photo=photo)
        url = reverse("admin:articles_article_change", args=[draft.pk])
        response = editor_client.post(url, _article_form_data(editor_client, url))
        assert response.status_code == 200
        assert "The lead photo “Market day” has no alt text" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT

        photo.alt_text = "Melons on a stall"
        photo.save()
        response = editor_client.post(url, _article_form_data(editor_client, url))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED

    def test_admin_refuses_to_publish_with_an_uncredited_lead_photo(self, editor_client):
        draft = make_draft(lead_photo=make_photo(caption="Border post", credit_text=""))
        url = reverse("admin:articles_article_change", args=[draft.pk])
        response = editor_client.post(url, _article_form_data(editor_client, url))
        assert "The lead photo “Border post” has no credit" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT


class TestPhotoLibrary:
    def test_deleting_a_photo_in_use_is_refused_naming_the_pieces(self, editor_client):
        photo = make_photo()
        make_article(title="Southern City", lead_photo=photo)
        make_draft(title="Draft on water", lead_photo=photo)
        url = reverse("admin:articles_photo_delete", args=[photo.pk])
        response = editor_client.post(url, {"post": "yes"}, follow=True)
        html = response.content.decode()
        assert "This photo cannot be deleted" in html
        assert "“Draft on water”, “Southern City”" in html
        assert Photo.objects.filter(pk=photo.pk).exists()

    def test_unused_photo_is_deleted_with_its_files(
        self, editor_client, django_capture_on_commit_callbacks
    ):
        photo = make_photo()
        names = [photo.image.name, *renditions.file_names(photo)]
        assert all(default_storage.exists(name) for name in names)
        url = reverse("admin:articles_photo_delete", args=[photo.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Photo.objects.exists()
        assert not any(default_storage.exists(name) for name in names)

    def test_change_form_shows_where_used(self, editor_client):
        photo = make_photo()
        article = make_article(title="Used here", lead_photo=photo)
        html = editor_client.get(reverse("admin:articles_photo_change", args=[photo.pk]))
        html = html.content.decode()
        assert reverse("admin:articles_article_change", args=[article.pk]) in html
        assert "Used here" in html

    def test_list_has_thumbnails_search_and_filters(self, editor_client):
        photographer = make_person(name="Aidos Lens")
        make_photo(caption="Yurt at dawn", credit_person=photographer)
        make_photo(caption="Bazaar", credit_text="Agency Z", alt_text="Spices in sacks")
        archived = make_photo(caption="Archive shot", renditions=False)
        Photo.objects.filter(pk=archived.pk).update(
            uploaded_at=timezone.now() - timedelta(days=400)
        )
        url = reverse("admin:articles_photo_changelist")
        html = editor_client.get(url).content.decode()
        assert "-thumb-160.jpg" in html  # the square rendition, not the full original
        for term, expected, absent in [
            ("yurt", "Yurt at dawn", "Bazaar"),
            ("Agency Z", "Bazaar", "Yurt at dawn"),
            ("spices", "Bazaar", "Yurt at dawn"),
            ("Aidos", "Yurt at dawn", "Bazaar"),
        ]:
            page = editor_client.get(url, {"q": term}).content.decode()
            assert expected in page and f">{absent}<" not in page, term
        page = editor_client.get(url, {"credit_person__id__exact": photographer.pk})
        assert "Yurt at dawn" in page.content.decode()
        assert "Archive shot" in html  # until the upload-date filter leaves it out
        past_week = re.search(r'<a href="(\?uploaded_at__gte=[^"]+)">Past 7 days</a>', html)
        page = editor_client.get(url + unescape(past_week.group(1))).content.decode()
        assert "Yurt at dawn" in page and "Archive shot" not in page

    def test_lead_photo_autocomplete_returns_thumbnails(self, editor_client):
        photo = make_photo(caption="Steppe road", credit_text="Agency Q")
        response = editor_client.get(
            reverse("admin:articles_photo_autocomplete"),
            {
                "term": "steppe",
                "app_label": "articles",
                "model_name": "article",
                "field_name": "lead_photo",
            },
        )
        result = response.json()["results"][0]
        assert result["id"] == str(photo.pk) and result["text"] == "Steppe road"
        assert result["thumb"].endswith("-thumb-160.jpg") and result["credit"] == "Agency Q"

    def test_article_form_offers_photo_autocomplete_and_add_popup(self, editor_client):
        photo = make_photo()
        article = make_article(lead_photo=photo)
        html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
        html = html.content.decode()
        assert 'data-photo-thumbs="1"' in html
        assert reverse("admin:articles_photo_autocomplete") in html
        assert f'data-thumb="{photo.thumb_url}"' in html
        assert 'id="add_id_lead_photo"' in html  # the "+" that opens the upload popup
        assert "articles/photo_admin.js" in html

    def test_upload_in_the_popup_hands_the_new_photo_back(self, editor_client):
        response = editor_client.post(
            reverse(ADD_URL) + "?_to_field=id&_popup=1",
            {
                "image": SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg"),
                "caption": "From the popup",
                "alt_text": "A thing",
                "credit_text": "Me",
                "licence": Photo.Licence.ALL_RIGHTS_RESERVED,
                "focal_x": "50",
                "focal_y": "50",
                "_popup": "1",
                "_to_field": "id",
            },
        )
        photo = Photo.objects.get()
        html = response.content.decode()
        assert "popup_response" in html and f"&quot;value&quot;: &quot;{photo.pk}&quot;" in html


def test_rebuild_renditions_command(media_root):
    first, second = make_photo(), make_photo()
    Photo.objects.filter(pk=first.pk).update(renditions={})
    out = io.StringIO()
    call_command("rebuild_renditions", stdout=out)
    first.refresh_from_db()
    assert renditions.is_current(first)
    assert all(default_storage.exists(name) for name in renditions.file_names(first))
    assert "2/2" in out.getvalue() and "Rebuilt 1" in out.getvalue()

    # Re-running is safe; --force on one photo replaces its files and removes the old ones.
    old = renditions.file_names(second)
    out = io.StringIO()
    call_command("rebuild_renditions", "--photo", str(second.pk), "--force", stdout=out)
    second.refresh_from_db()
    assert "Rebuilt 1" in out.getvalue()
    assert set(renditions.file_names(second)).isdisjoint(old)
    assert not any(default_storage.exists(name) for name in old)


def test_rebuild_renditions_reports_a_missing_original(media_root):
    photo = make_photo()
    default_storage.delete(photo.image.name)
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_renditions", stdout=out, stderr=err)
    assert f"photo {photo.pk}" in err.getvalue() and "failed 1" in out.getvalue()
