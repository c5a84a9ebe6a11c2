"""Findings from using the site: each would have lost work, leaked or misled, and must not again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, AuditEvent, Correction

from .factories import make_article, make_photo, make_ready_draft
from .workflow_helpers import post_change, run_action

pytestmark = pytest.mark.django_db


def events(piece, action):
    return AuditEvent.objects.filter(piece=piece, action=action).count()


def test_resaving_a_just_published_piece_neither_republishes_nor_moves_its_time(desk_client):
    piece = make_ready_draft()
    run_action(desk_client, "publish_pieces", [piece])
    published_at = Article.objects.get(pk=piece.pk).published_at
    assert published_at.microsecond == 0

    response = post_change(desk_client, piece, title="A corrected headline")

    assert response.status_code == 302
    piece = Article.objects.get(pk=piece.pk)
    assert piece.title == "A corrected headline"
    assert piece.published_at == published_at
    assert events(piece, AuditEvent.Action.PUBLISHED) == 1


def test_a_correction_cannot_be_dated_in_the_future(desk_client):
    piece = make_article(lead_photo=make_photo())
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = post_change(
        desk_client,
        piece,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "The minister's name was misspelt.",
            "corrections-0-noted_at_0": f"{tomorrow:%d/%m/%Y}",
            "corrections-0-noted_at_1": f"{tomorrow:%H:%M:%S}",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    # The editor's text is still in the form, and nothing was saved.
    assert "The minister&#x27;s name was misspelt." in response.content.decode()
    assert not Correction.objects.filter(piece=piece).exists()


def test_words_either_side_of_a_paragraph_break_are_found(client):
    # Tags stripped without a space once made "when.</p><p>Farmers" one word in the index.
    make_article(
        title="Harvest under pressure",
        body="<p>The rains came late, as they do when.</p><p>Farmers in the south waited.</p>",
    )
    for word in ("farmers", "when"):
        html = client.get("/search/", {"q": word}).content.decode()
        assert "Harvest under pressure" in html, word


@pytest.fixture
def database_down(monkeypatch):
    """Every new query fails as it does when PostgreSQL is unreachable (Django's own error)."""
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


def test_database_outage_is_a_503_with_retry_after_and_one_log_line(
    desk_client, database_down, caplog
):
    from kazcms import errors

    errors._last_logged = None
    desk_client.raise_request_exception = False
    with caplog.at_level("INFO"):
        pages = [desk_client.get(url) for url in ("/", "/articles/", "/admin/articles/article/")]
        saved = desk_client.post("/admin/articles/article/add/", {"title": "Typed by an editor"})
    for response in [*pages, saved]:
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert response["Cache-Control"] == "no-store"
    assert "Your change was not saved" in saved.content.decode()
    assert "Your change was not saved" not in pages[0].content.decode()
    outage_lines = [r for r in caplog.records if r.name == "kazcms.outage"]
    assert len(outage_lines) == 1
    assert not [r for r in caplog.records if r.exc_info], "no traceback per request"


@pytest.mark.parametrize("path", ["/articles/%00/", "/people/a%00b/feed/", "/interviews/%01x/"])
def test_a_nul_byte_in_an_address_is_a_400_on_every_route(client, path):
    make_article()
    client.raise_request_exception = False
    assert client.get(path).status_code == 400


def test_a_login_with_a_refused_next_lands_on_the_admin_home(client):
    response = client.get("/admin/login/?next=https://elsewhere.example/")
    assert response.status_code == 302
    # Sign-in goes on to the second-factor wizard, which then returns to the admin home.
    assert response["Location"].endswith("?next=/admin/")
    assert "elsewhere" not in response["Location"]
