"""The production stack with DEBUG off: collected static files, media, the health check, `serve`.

Most tests serve static files with the plain storage (tests/conftest.py); the ones here collect
the project's own static files once, into a temporary STATIC_ROOT, with the production storage.
"""

import gzip
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse

from articles.photos import renditions

from .factories import make_article, make_photo
from .test_settings import ROOT, manage

pytestmark = pytest.mark.django_db

PRODUCTION_STATIC = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
SITE_CSS = (ROOT / "static" / "css" / "site.css").read_bytes()
FOREVER = "max-age=315360000, public, immutable"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-" + "x9Q!" * 10,
    "ALLOWED_HOSTS": "news.example.org",
}


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic of the project's own files (what public pages use), as `make serve` runs it."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={"staticfiles": PRODUCTION_STATIC},
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(settings, collected_static):
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    return collected_static


def body(response):
    content = b"".join(response.streaming_content)
    response.close()
    return content


def hashed_css_url(client):
    html = client.get(reverse("home")).content.decode()
    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert match, "the page does not link the hashed stylesheet"
    return match.group(1)


class TestStaticFiles:
    def test_pages_link_hashed_names_cached_forever(self, client, production_static):
        response = client.get(hashed_css_url(client))
        assert response.status_code == 200
        assert response["Cache-Control"] == FOREVER
        assert response["Content-Type"].startswith("text/css")
        assert body(response) == SITE_CSS

    @pytest.mark.parametrize(
        ("accept", "encoding", "decode"),
        [("br, gzip", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
    )
    def test_stylesheet_is_served_compressed(
        self, client, production_static, accept, encoding, decode
    ):
        response = client.get(hashed_css_url(client), HTTP_ACCEPT_ENCODING=accept)
        assert response["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response["Vary"]
        compressed = body(response)
        assert len(compressed) < len(SITE_CSS)
        assert decode(compressed) == SITE_CSS

    def test_clients_without_compression_get_the_plain_file(self, client, production_static):
        response = client.get(hashed_css_url(client))
        assert "Content-Encoding" not in response
        assert body(response) == SITE_CSS

    def test_unhashed_name_is_only_cached_briefly(self, client, production_static):
        response = client.get("/static/css/site.css")
        assert response.status_code == 200
        assert "immutable" not in response["Cache-Control"]
        body(response)

    def test_favicon_redirects_to_the_hashed_file(self, client, production_static):
        response = client.get("/favicon.ico")
        assert re.fullmatch(r"/static/img/favicon\.[0-9a-f]{12}\.svg", response["Location"])
        assert client.get(response["Location"]).status_code == 200

    def test_piece_page_renders_with_the_manifest(self, client, production_static):
        piece = make_article(lead_photo=make_photo())
        response = client.get(piece.get_absolute_url())
        assert response.status_code == 200
        assert re.search(rb"/static/css/site\.[0-9a-f]{12}\.css", response.content)

    def test_unknown_static_file_is_404(self, client, production_static):
        assert client.get("/static/css/nothing.css").status_code == 404


class TestCompression:
    def test_pages_are_gzipped_for_browsers_that_accept_it(self, client):
        piece = make_article(title="Compressed piece")
        response = client.get(piece.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert b"Compressed piece" in gzip.decompress(response.content)

    def test_pages_are_plain_for_other_clients(self, client):
        response = client.get(reverse("home"))
        assert "Content-Encoding" not in response

    def test_photos_are_not_compressed_again(self, client, served_media):
        response = client.get(make_photo().image.url, HTTP_ACCEPT_ENCODING="gzip")
        assert "Content-Encoding" not in response
        assert body(response)[:3] == b"\xff\xd8\xff"


@pytest.fixture
def served_media(settings):
    settings.KAZCMS_SERVE_MEDIA = True


class TestMedia:
    def test_uploads_and_renditions_are_served_cached_forever(self, client, served_media):
        photo = make_photo()
        for url in [photo.image.url, renditions.picture(photo, "full")["src"], photo.thumb_url]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "public, max-age=31536000, immutable"
            assert response["Content-Type"] == "image/jpeg"
            assert body(response)[:3] == b"\xff\xd8\xff"

    def test_rendition_urls_are_under_media_url(self, served_media):
        photo = make_photo()
        names = renditions.file_names(photo)
        assert names and all("/renditions/" in name for name in names)
        assert renditions.picture(photo, "full")["src"].startswith("/media/photos/")

    def test_unchanged_file_answers_304(self, client, served_media):
        photo = make_photo()
        first = client.get(photo.image.url)
        body(first)
        again = client.get(photo.image.url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304

    def test_media_is_not_served_unless_a_setting_says_so(self, client, settings):
        settings.KAZCMS_SERVE_MEDIA = False
        photo = make_photo()
        assert client.get(photo.image.url).status_code == 404

    @pytest.mark.parametrize(
        "path", ["../secret.txt", "%2e%2e/secret.txt", "photos/../../secret.txt"]
    )
    def test_paths_outside_media_root_are_refused(self, client, served_media, media_root, path):
        secret = Path(media_root).parent / "secret.txt"
        secret.write_text("not for readers")
        make_photo()
        response = client.get(f"/media/{path}")
        assert response.status_code in (400, 404)
        assert b"not for readers" not in response.content

    def test_folders_are_not_listed(self, client, served_media):
        make_photo()
        assert client.get("/media/photos/").status_code == 404

    def test_writing_methods_are_refused(self, client, served_media):
        photo = make_photo()
        assert client.post(photo.image.url).status_code == 405


class TestHealth:
    def test_answers_ok_and_is_never_cached(self, client):
        response = client.get(reverse("health"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-store" in response["Cache-Control"]
        assert "Set-Cookie" not in response

    def test_answers_503_when_the_database_is_down(self, client, monkeypatch):
        def refuse():
            raise OperationalError('could not connect to server at "db.internal" (10.0.0.7)')

        monkeypatch.setattr(connection, "ensure_connection", refuse)
        response = client.get(reverse("health"))
        assert response.status_code == 503
        assert response.json() == {"status": "down", "database": "down", "cache": "ok"}
        assert b"db.internal" not in response.content and b"10.0.0.7" not in response.content
        assert "no-store" in response["Cache-Control"]

    def test_is_exempt_from_the_https_redirect(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        assert client.get(reverse("home")).status_code == 301
        assert client.get(reverse("health")).status_code == 200

    def test_only_reads(self, client):
        assert client.post(reverse("health")).status_code == 405


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_health_answers_503_when_postgresql_cannot_be_reached():
    """A real failed connection, in a fresh interpreter, with nothing listening on the port."""
    script = (
        "from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='news.example.org', secure=True); "
        "print(r.status_code, r.content.decode())"
    )
    result = manage(
        "shell",
        "-c",
        script,
        **PRODUCTION_ENV,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/nothing",
    )
    assert result.returncode == 0, result.stderr
    status, _, payload = result.stdout.strip().splitlines()[-1].partition(" ")
    assert status == "503"
    assert json.loads(payload) == {"status": "down", "database": "down", "cache": "ok"}


def test_deploy_check_is_clean_with_s3_media_and_redis():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        REDIS_URL="redis://127.0.0.1:6379/11",
        AWS_STORAGE_BUCKET_NAME="kazcms-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )
    assert result.returncode == 0, result.stderr


class TestServeSettings:
    def test_plain_http_is_refused_for_a_public_host(self):
        result = manage("check", **PRODUCTION_ENV, KAZCMS_INSECURE_HTTP="1")
        assert result.returncode != 0
        assert "KAZCMS_INSECURE_HTTP=1 serves plain HTTP and is only for this machine" in (
            result.stderr
        )

    def test_plain_http_on_localhost_turns_off_what_needs_https(self):
        script = (
            "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_PROXY_SSL_HEADER, s.DEBUG)"
        )
        result = manage(
            "shell",
            "-c",
            script,
            **{**PRODUCTION_ENV, "ALLOWED_HOSTS": "127.0.0.1,localhost"},
            KAZCMS_INSECURE_HTTP="1",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1].split() == [
            "False",
            "False",
            "False",
            "0",
            "None",
            "False",
        ]

    def test_gunicorn_config_loads_the_app_with_production_settings(self):
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env={**os.environ, **PRODUCTION_ENV},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
