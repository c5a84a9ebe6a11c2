"""Media on S3-compatible storage, against a real S3 API: moto's server on a loopback port.

The storage is the one the environment variables select (kazcms.settings.media_storage); the
photo code only speaks Django's storage API, so uploads through the admin must land in the
bucket and pages must link to the bucket.
"""

import json
import re
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer

from articles.models import Photo
from articles.photos import renditions
from kazcms import settings as kazcms_settings

from .factories import image_bytes, make_article
from .test_photos import post_photo
from .test_settings import manage

pytestmark = pytest.mark.django_db

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, tmp_path):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    # Nobody's ~/.aws may change what the tests talk to.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    name = f"kazcms-media-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    s3.create_bucket(Bucket=name)
    # Readers fetch photos without credentials: the bucket policy a public media bucket has.
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
    return s3, name


def public_read_policy(bucket_name):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket_name}/*",
            }
        ],
    }


def s3_environ(endpoint, bucket_name, **extra):
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket_name,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        **extra,
    }


@pytest.fixture
def s3_media(settings, s3_endpoint, bucket):
    s3, name = bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": kazcms_settings.media_storage(s3_environ(s3_endpoint, name)),
    }
    return s3, name


def keys(s3, bucket_name):
    listing = s3.list_objects_v2(Bucket=bucket_name)
    return {item["Key"] for item in listing.get("Contents", [])}


def upload_through_admin(editor_client):
    response = post_photo(editor_client, "market.jpg", image_bytes(size=(900, 600)))
    assert response.status_code == 302, response.context and response.context["errors"]
    return Photo.objects.get()


def test_admin_upload_puts_original_and_renditions_in_the_bucket(
    editor_client, s3_media, media_root
):
    s3, bucket_name = s3_media
    photo = upload_through_admin(editor_client)
    names = renditions.file_names(photo)
    assert len(names) >= 7  # every group in WebP and JPEG, the social image in JPEG
    assert keys(s3, bucket_name) == {photo.image.name, *names}
    original = s3.get_object(Bucket=bucket_name, Key=photo.image.name)
    assert original["ContentType"] == "image/jpeg"
    assert original["CacheControl"] == "public, max-age=31536000, immutable"
    assert not media_root.exists() or not any(media_root.rglob("*.*")), "nothing on local disk"


def test_public_page_links_to_the_bucket(client, editor_client, s3_media, s3_endpoint):
    s3, bucket_name = s3_media
    photo = upload_through_admin(editor_client)
    piece = make_article(lead_photo=photo)
    html = client.get(piece.get_absolute_url()).content.decode()

    bucket_url = f"{s3_endpoint}/{bucket_name}/"
    linked = set(re.findall(rf"{re.escape(bucket_url)}([^\s\"',?]+)", html))
    rendition_names = set(renditions.file_names(photo))
    assert rendition_names & linked, "the page shows no rendition from the bucket"
    assert linked <= keys(s3, bucket_name)
    assert "/media/" not in html
    # What a reader's browser then fetches: the public URL answers with the image.
    src = re.search(r'<figure class="photo[^"]*">.*?<img[^>]+src="([^"]+)"', html, re.S).group(1)
    assert src.startswith(bucket_url)
    with urllib.request.urlopen(src, timeout=10) as response:  # noqa: S310 (loopback test server)
        assert response.headers["Content-Type"] in {"image/jpeg", "image/webp"}
        assert response.read(3) in (b"\xff\xd8\xff", b"RIF")


def test_deleting_a_photo_removes_its_objects(
    editor_client, s3_media, django_capture_on_commit_callbacks
):
    s3, bucket_name = s3_media
    photo = upload_through_admin(editor_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_photo_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert keys(s3, bucket_name) == set()


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"AWS_S3_ENDPOINT_URL": ""},
        {"AWS_S3_ENDPOINT_URL": "", "AWS_S3_REGION_NAME": "eu-central-1"},
        {"AWS_S3_ADDRESSING_STYLE": "virtual", "AWS_S3_ENDPOINT_URL": "https://s3.example.org"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.example.org"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.example.org", "AWS_S3_URL_PROTOCOL": "http:"},
        {"AWS_LOCATION": "newsroom"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.example.org", "AWS_LOCATION": "newsroom/"},
    ],
)
def test_media_url_is_where_the_storage_links(settings, s3_endpoint, bucket, extra):
    """MEDIA_URL (and so the CSP's image origins) matches the URLs the storage really makes."""
    _, name = bucket
    environ = s3_environ(s3_endpoint, name, **extra)
    settings.STORAGES = {**settings.STORAGES, "default": kazcms_settings.media_storage(environ)}
    expected = kazcms_settings.media_url(environ)
    assert expected.endswith("/") and "://" in expected
    assert default_storage.url("photos/a.jpg") == f"{expected}photos/a.jpg"


def test_media_url_set_explicitly_wins(s3_endpoint):
    environ = s3_environ(s3_endpoint, "b", MEDIA_URL="https://cdn.example.org/m/")
    assert kazcms_settings.media_url(environ) == "https://cdn.example.org/m/"
    assert kazcms_settings.media_url({}) == "/media/"


def test_custom_domain_gives_cdn_urls(settings, s3_endpoint, bucket):
    _, name = bucket
    environ = s3_environ(s3_endpoint, name, AWS_S3_CUSTOM_DOMAIN="media.example.org")
    settings.STORAGES = {**settings.STORAGES, "default": kazcms_settings.media_storage(environ)}
    assert default_storage.url("photos/a b.jpg") == "https://media.example.org/photos/a%20b.jpg"


def test_environment_variables_alone_select_s3(s3_endpoint, bucket):
    s3, bucket_name = bucket
    script = (
        "from django.core.files.base import ContentFile; "
        "from django.core.files.storage import default_storage as s; "
        "from django.conf import settings; "
        "name = s.save('probe/hello.txt', ContentFile(b'salem')); print(s.url(name)); "
        "print(settings.MEDIA_URL); "
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    result = manage(
        "shell",
        "-c",
        script,
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-" + "x9Q!" * 10,
        ALLOWED_HOSTS="news.example.org",
        **CREDENTIALS,
        **s3_environ(s3_endpoint, bucket_name),
    )
    assert result.returncode == 0, result.stderr
    url, media_url, img_src = result.stdout.splitlines()[-3:]
    assert url == f"{s3_endpoint}/{bucket_name}/probe/hello.txt"
    assert media_url == f"{s3_endpoint}/{bucket_name}/"
    assert s3_endpoint in img_src.split(), "the Content-Security-Policy would block the photos"
    assert s3.get_object(Bucket=bucket_name, Key="probe/hello.txt")["Body"].read() == b"salem"
