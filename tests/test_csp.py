"""The Content-Security-Policy on every kind of response, and the HSTS preload opt-in."""

import base64
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from .factories import make_article
from .test_settings import manage

pytestmark = pytest.mark.django_db

FRAME_AND_FORM = {
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def policy(response, header="Content-Security-Policy"):
    """The header as {directive: [sources]}; fails if it is missing."""
    assert header in response, f"no {header} on {response.status_code} {response.request}"
    return {
        name: values
        for name, *values in (part.split() for part in response[header].split(";") if part.strip())
    }


def assert_public(response):
    directives = policy(response)
    assert directives["script-src"] == ["'none'"]
    assert directives["default-src"] == ["'none'"]
    assert FRAME_AND_FORM.items() <= directives.items()
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    return directives


def assert_staff(response):
    directives = policy(response)
    assert directives["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(directives["script-src"])
    assert FRAME_AND_FORM.items() <= directives.items()
    return directives


class TestReaders:
    def test_home_and_a_piece_run_no_script_and_carry_their_json_ld_as_data(self, client):
        piece = make_article(title="Water talks")
        assert_public(client.get("/"))
        response = client.get(piece.get_absolute_url())
        assert_public(response)
        assert '<script type="application/ld+json">' in response.content.decode()

    def test_public_pages_use_no_inline_style_or_script(self, client):
        piece = make_article(title="Water talks")
        for url in ("/", piece.get_absolute_url(), reverse("articles:search") + "?q=water"):
            page = client.get(url).content.decode()
            assert " style=" not in page, url
            assert not re.search(r"<script(?![^>]*application/ld\+json)", page), url
            assert not re.search(r"<[^>]+\son[a-z]+=", page), url  # no event handlers

    def test_feeds_and_not_found_pages_carry_the_policy(self, client):
        make_article()
        assert_public(client.get("/en/feed/"))
        response = client.get("/en/no-such-page/")
        assert response.status_code == 404
        assert_public(response)

    @pytest.mark.urls("tests.csp_urls")
    def test_a_server_error_page_carries_it_and_its_one_inline_style_is_allowed(self):
        client = Client(raise_request_exception=False)
        response = client.get("/fails/")
        assert response.status_code == 500
        directives = assert_public(response)
        style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S)[1]
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directives["style-src"]


class TestStaff:
    def test_sign_in_pages_allow_only_own_scripts(self, client):
        assert_staff(client.get(reverse("two_factor:login")))
        assert_staff(client.get(reverse("admin:login")))

    def test_admin_pages_and_admin_not_found(self, desk_client):
        assert_staff(desk_client.get(reverse("admin:index")))
        assert_staff(desk_client.get(reverse("admin:articles_article_changelist")))
        response = desk_client.get("/admin/articles/no-such-thing/")
        assert response.status_code == 404
        assert_staff(response)

    def test_the_prose_editor_import_map_runs_by_nonce(self, desk_client):
        response = desk_client.get(reverse("admin:articles_article_add"))
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
        page = response.content.decode()
        import_maps = re.findall(r"<script[^>]*type=\"importmap\"[^>]*>", page)
        assert import_maps and all(f'nonce="{nonce}"' in tag for tag in import_maps)
        inline = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", page)
        assert all(
            f'nonce="{nonce}"' in attrs or "application/json" in attrs for attrs in inline
        ), inline

    def test_every_response_has_a_fresh_nonce(self, desk_client):
        url = reverse("admin:articles_article_add")
        first, second = (desk_client.get(url)["Content-Security-Policy"] for _ in range(2))
        assert first != second


def test_report_only_switch_moves_the_policy_to_the_report_only_header(client, settings):
    settings.KAZCMS_CSP_REPORT_ONLY = True
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": settings.KAZCMS_CSP_PUBLIC}
    for response in (client.get("/"), client.get(reverse("two_factor:login"))):
        assert "Content-Security-Policy" not in response
        policy(response, "Content-Security-Policy-Report-Only")
    staff = policy(client.get(reverse("two_factor:login")), "Content-Security-Policy-Report-Only")
    assert staff["script-src"][0] == "'self'"


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-" + "x9Q!" * 10,
    "ALLOWED_HOSTS": "news.example.org",
}
SHOW = (
    "from django.conf import settings as s; "
    "print(s.SECURE_HSTS_PRELOAD, s.KAZCMS_CSP_REPORT_ONLY, "
    "bool(getattr(s, 'CONTENT_SECURITY_POLICY', None)), "
    "bool(getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)))"
)


def test_hsts_preload_is_off_and_the_policy_enforced_unless_operators_opt_in():
    default = manage("shell", "--no-imports", "-c", SHOW, **PRODUCTION)
    assert default.stdout.split() == ["False", "False", "True", "False"], default.stderr
    opted_in = manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        SECURE_HSTS_PRELOAD="1",
        KAZCMS_CSP_REPORT_ONLY="1",
        **PRODUCTION,
    )
    assert opted_in.stdout.split() == ["True", "True", "False", "True"], opted_in.stderr
