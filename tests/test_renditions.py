"""Renditions: named sizes built on save, focal-point crops, responsive markup, fixed queries."""

import io
import re

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Photo
from articles.photos import renditions

from .factories import make_article, make_draft, make_person, make_photo

pytestmark = pytest.mark.django_db


def photo_of(size=(1600, 900), mark=None, **fields):
    """A photo saved from a blue picture, with an optional red square at ``mark`` (x, y)."""
    image = Image.new("RGB", size, (20, 40, 200))
    if mark:
        x, y = mark
        image.paste((230, 20, 20), (x - 40, y - 40, x + 40, y + 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    fields = {"caption": "A photo", "alt_text": "Alt", "credit_text": "Agency", **fields}
    photo = Photo(**fields)
    photo.image = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo.save()
    return photo


def open_rendition(photo, group, fmt="JPEG"):
    item = next(f for f in photo.renditions["files"] if f["group"] == group and f["format"] == fmt)
    with default_storage.open(item["name"]) as file:
        image = Image.open(file)
        image.load()
    return item, image


def test_sizes_are_built_on_save_with_their_dimensions():
    photo = photo_of(size=(2000, 1000))
    files = photo.renditions["files"]
    summary = {(f["group"], f["format"], f["width"], f["height"]) for f in files}
    assert ("full", "WEBP", 400, 200) in summary
    assert ("full", "JPEG", 1600, 800) in summary
    assert ("card", "JPEG", 800, 450) in summary
    assert ("thumb", "WEBP", 160, 160) in summary
    assert ("social", "JPEG", 1200, 630) in summary
    for item in files:
        with default_storage.open(item["name"]) as file:
            image = Image.open(file)
            assert image.size == (item["width"], item["height"])
            assert image.format == item["format"]


def test_small_photos_are_never_enlarged():
    photo = make_photo()  # 64×48
    widths = {(f["group"], f["width"]) for f in photo.renditions["files"]}
    assert widths == {("full", 64), ("card", 64), ("thumb", 48), ("social", 64)}


def test_crops_keep_the_focal_point_in_view():
    # The red subject sits near the right edge; a centred square would cut it off.
    photo = photo_of(size=(1600, 900), mark=(1500, 450), focal_x=94, focal_y=50)
    _, thumb = open_rendition(photo, "thumb")
    red, _, blue = thumb.convert("RGB").getpixel((thumb.width * 89 // 100, thumb.height // 2))
    assert red > 150 and blue < 100

    centred = photo_of(size=(1600, 900), mark=(1500, 450))
    _, thumb = open_rendition(centred, "thumb")
    columns = range(thumb.width)
    assert all(thumb.convert("RGB").getpixel((x, thumb.height // 2))[0] < 100 for x in columns)


def test_crop_box_is_clamped_inside_the_image():
    assert renditions.crop_box((1600, 900), (1, 1), (100, 0)) == (700, 0, 1600, 900)
    assert renditions.crop_box((1600, 900), (16, 9), (0, 0)) == (0, 0, 1600, 900)
    assert renditions.crop_box((900, 1600), (16, 9), (50, 50)) == (0, 547, 900, 1053)


def test_changing_the_focal_point_rebuilds_and_later_removes_the_old_crops(
    django_capture_on_commit_callbacks,
):
    photo = photo_of(size=(1600, 900))
    old = renditions.file_names(photo)
    photo.focal_x = 10
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    assert renditions.is_current(photo)
    assert set(renditions.file_names(photo)).isdisjoint(old)
    assert not any(default_storage.exists(name) for name in old)


def test_editing_a_caption_does_not_touch_the_files(monkeypatch):
    photo = Photo.objects.get(pk=photo_of().pk)
    monkeypatch.setattr(renditions, "refresh", lambda *a, **k: pytest.fail("rebuilt"))
    monkeypatch.setattr(FileSystemStorage, "open", lambda *a, **k: pytest.fail("opened"))
    photo.caption = "New caption"
    photo.save()


def test_social_image_for_og_image():
    social = renditions.social_image(photo_of(size=(2000, 1200)))
    assert (social.width, social.height, social.mime_type) == (1200, 630, "image/jpeg")
    assert social.url.endswith("-social-1200.jpg")
    assert renditions.social_image(None) is None
    assert renditions.social_image(Photo(renditions={})) is None


def test_article_page_serves_a_picture_with_srcset_sizes_and_dimensions(client):
    photo = photo_of(size=(2400, 1600))
    article = make_article(lead_photo=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', picture)
    assert webp and [w for w in re.findall(r" (\d+)w", webp.group(1))] == [
        "400",
        "800",
        "1200",
        "1600",
    ]
    assert "100vw" in webp.group(2)
    img = re.search(r"<img [^>]+>", picture).group(0)
    assert 'width="800" height="533"' in img
    assert re.search(r'srcset="[^"]+-full-400\.jpg 400w', img)
    assert 'loading="eager"' in img and 'fetchpriority="high"' in img
    assert 'alt="Alt"' in img


def test_teasers_use_lazy_16_9_cards(client):
    make_article(lead_photo=photo_of(size=(1600, 1200)))
    html = client.get(reverse("articles:list")).content.decode()
    img = re.search(r'<img src="[^"]+-card-\d+\.jpg"[^>]+>', html).group(0)
    assert 'loading="lazy"' in img and 'width="800" height="450"' in img
    assert "-card-400.webp 400w" in html


def test_photo_without_renditions_shows_a_placeholder_never_the_original(client):
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    article = make_article(lead_photo=photo)
    for url in (article.get_absolute_url(), reverse("articles:list")):
        html = client.get(url).content.decode()
        assert f'src="{photo.image.url}"' not in html
        assert re.search(r'<svg class="photo-placeholder"[^>]+viewBox="0 0 \d+ \d+"', html)
    detail = client.get(article.get_absolute_url()).content.decode()
    assert 'width="64" height="48"' in detail  # the photo's own shape, never enlarged
    listing = client.get(reverse("articles:list")).content.decode()
    assert 'width="64" height="36"' in listing  # the 16:9 card's box


def test_person_page_lists_their_published_photos_and_where_used(client):
    photographer = make_person(name="Nurlan Lens")
    used = make_photo(caption="Police line", credit_person=photographer)
    secret = make_photo(caption="SECRETPHOTO", credit_person=photographer)
    make_article(title="Piece with the photo", lead_photo=used)
    make_draft(title="DRAFTCANARY", lead_photo=secret)
    make_draft(title="ALSODRAFT", lead_photo=used)
    html = client.get(photographer.get_absolute_url()).content.decode()
    assert "Photographs by Nurlan Lens" in html and "Police line." in html
    assert "Piece with the photo" in html
    for hidden in ("SECRETPHOTO", "DRAFTCANARY", "ALSODRAFT"):
        assert hidden not in html
    assert "Nothing has been published here yet" not in html


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Steady state: the settings rows every page reads are kept until the content changes.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_person_page_query_count_is_fixed(client, django_assert_max_num_queries):
    def photographer_with(n):
        person = make_person()
        for _ in range(n):
            photo = make_photo(credit_person=person)
            for _ in range(2):
                make_article(lead_photo=photo, authors=[person])
        return person

    small, large = photographer_with(1), photographer_with(8)
    assert _count_queries(client, small.get_absolute_url()) == _count_queries(
        client, large.get_absolute_url()
    )
    with django_assert_max_num_queries(8):
        client.get(large.get_absolute_url())


def test_pages_never_touch_the_storage(client, monkeypatch):
    article = make_article(lead_photo=photo_of(size=(1200, 800)))
    make_article(lead_photo=make_photo())

    def no_storage(*args, **kwargs):
        raise AssertionError("the storage was asked while rendering")

    for name in ("open", "exists", "size", "listdir"):
        monkeypatch.setattr(FileSystemStorage, name, no_storage)
    for url in (article.get_absolute_url(), reverse("articles:list"), reverse("home")):
        assert client.get(url).status_code == 200


def test_saving_a_partly_loaded_photo_keeps_its_files(monkeypatch):
    photo = make_photo()
    monkeypatch.setattr(renditions, "refresh", lambda *a, **k: pytest.fail("rebuilt"))
    partial = Photo.objects.only("pk", "caption").get(pk=photo.pk)
    partial.caption = "Edited"
    partial.save(update_fields=["caption"])
    photo.refresh_from_db()
    assert photo.caption == "Edited" and renditions.is_current(photo)


def test_update_fields_save_records_renditions_it_builds():
    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    stale = Photo.objects.get(pk=photo.pk)
    stale.caption = "Recaptioned"
    stale.save(update_fields=["caption"])
    assert renditions.is_current(Photo.objects.get(pk=photo.pk))


@pytest.mark.parametrize(
    ("mode", "fmt", "options"),
    [
        ("CMYK", "JPEG", {}),
        ("L", "JPEG", {}),
        ("P", "PNG", {"transparency": 0}),
        ("I;16", "PNG", {}),
        ("LA", "PNG", {}),
        ("1", "PNG", {}),
        ("RGBA", "WEBP", {}),
    ],
)
def test_every_colour_mode_gets_every_group(mode, fmt, options):
    buffer = io.BytesIO()
    Image.new(mode, (500, 300)).save(buffer, fmt, **options)
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    photo = Photo(caption="c", alt_text="a", credit_text="x")
    photo.image = SimpleUploadedFile(f"x.{ext}", buffer.getvalue())
    photo.save()
    built = {(f["group"], f["format"]) for f in photo.renditions["files"]}
    assert built == {(g, f) for g in ("full", "card", "thumb") for f in ("WEBP", "JPEG")} | {
        ("social", "JPEG")
    }


def test_renditions_a_worker_builds_later_show_on_the_kept_piece_page(client):
    from articles.photos import renditions

    photo = make_photo()
    Photo.objects.filter(pk=photo.pk).update(renditions={})  # as before the worker ran
    article = make_article(lead_photo=photo)
    assert (
        '<svg class="photo-placeholder"' in client.get(article.get_absolute_url()).content.decode()
    )
    renditions.rebuild(Photo.objects.get(pk=photo.pk))  # the worker's job: update(), no signal
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<svg class="photo-placeholder"' not in html and "<picture>" in html
