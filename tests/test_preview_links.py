"""Outsiders' preview links: created and revoked in the admin, opened without a login.

The link follows the piece's current draft, names its recipient and embargo, is noindex and
no-store, logs each view with a truncated address, and answers one and the same 404 once it
expired or was revoked, or for any token that is not one.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import AuditEvent, PreviewLink, PreviewLinkView
from articles.publishing import preview_links
from interviews.models import Interview

from .factories import make_draft, make_interview, make_user
from .formdata import form_data

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Unreleased draftmarker on water rights"


@pytest.fixture
def draft():
    return make_draft(title=DRAFT_TITLE, body="<p>Quote to check: quotemarker.</p>")


def link_for(piece, **fields):
    fields = {"recipient_name": "Dana Donor", "recipient_email": "dana@example.org", **fields}
    return preview_links.issue(piece, None, **fields)


def open_link(client, token, **extra):
    return client.get(reverse("articles:preview_link", args=[token]), **extra)


def create_in_admin(client, piece, **fields):
    """Fill in the piece's "create a preview link" form as a browser posts it."""
    page = client.get(piece.admin_url("preview_links"))
    assert page.status_code == 200
    data = form_data(page, form_id="create-preview-link")
    data.update({"recipient_name": "Quinn Quotee", "recipient_email": "q@example.org"})
    data.update(note="quote check", embargo="Embargoed until Monday 09:00", **fields)
    return client.post(piece.admin_url("preview_links"), data)


def token_in(response):
    match = re.search(r"/preview/([A-Za-z0-9_-]{40,})/", response.content.decode())
    return match and match.group(1)


class TestCreatingInTheAdmin:
    def test_an_editor_creates_a_link_seen_whole_once_stored_as_a_hash_and_audited(
        self, desk_client, draft
    ):
        response = create_in_admin(desk_client, draft)
        token = token_in(response)
        assert token and len(token) >= 43  # 32 random bytes
        link = PreviewLink.objects.get(piece=draft)
        assert (link.recipient_name, link.note) == ("Quinn Quotee", "quote check")
        stored = " ".join(str(v) for v in PreviewLink.objects.values().get().values())
        assert token not in stored and token[:20] not in stored
        assert link.expires_at - timezone.now() > timedelta(days=2, hours=23)
        # Shown once: the page afterwards names only the first characters.
        again = desk_client.get(draft.admin_url("preview_links")).content.decode()
        assert token not in again and f"{token[:6]}…" in again
        event = AuditEvent.objects.get(action=AuditEvent.Action.PREVIEW_LINK_CREATED)
        assert event.piece == draft and token[:6] in event.detail
        assert token[:7] not in event.detail
        audit_list = desk_client.get(reverse("admin:articles_auditevent_changelist"))
        assert token[:7] not in audit_list.content.decode()

    def test_the_link_opens_the_piece_without_login(self, desk_client, client, draft):
        token = token_in(create_in_admin(desk_client, draft))
        assert DRAFT_TITLE in open_link(client, token).content.decode()

    def test_an_expiry_in_the_past_is_refused_and_what_was_typed_is_kept(self, desk_client, draft):
        response = create_in_admin(desk_client, draft, expires_at_0="2020-01-01")
        assert "Choose a time still to come" in response.content.decode()
        assert "Quinn Quotee" in response.content.decode()
        assert not PreviewLink.objects.exists()

    def test_the_piece_page_lists_links_with_state_and_views(self, desk_client, client, draft):
        live, token = link_for(draft, recipient_name="Live Reader")
        link_for(draft, recipient_name="Late Reader")[0].revoke(None)
        open_link(client, token)
        open_link(client, token)
        page = desk_client.get(draft.admin_url()).content.decode()
        section = page[page.index('id="preview-links"') :]
        assert re.search(r"Live Reader.*?Active.*?<td>2</td>", section, re.S)
        assert re.search(r"Late Reader.*?Revoked.*?<td>0</td>", section, re.S)
        assert draft.admin_url("preview_links") in page

    def test_contributors_neither_see_nor_create_links(self, draft):
        from django.test import Client

        author = make_user("Contributors")
        draft.created_by = author
        draft.save()
        link_for(draft, recipient_name="Hidden Recipient", recipient_email="hidden@example.org")
        client = Client()
        client.force_login(author)
        page = client.get(draft.admin_url()).content.decode()
        assert 'id="preview-links"' not in page and "hidden@example.org" not in page
        assert client.get(draft.admin_url("preview_links")).status_code == 404
        assert client.post(draft.admin_url("preview_links"), {}).status_code == 404


class TestOpening:
    def test_a_valid_link_shows_the_current_draft_with_the_banner_noindex_no_store(
        self, client, draft
    ):
        link, token = link_for(draft, embargo="Embargoed until 10 March, 09:00")
        draft.title = "Retitled draftmarker after the link was sent"
        draft.save()
        response = open_link(client, token)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Retitled draftmarker" in html and "quotemarker" in html
        assert "Preview for Dana Donor" in html and "Embargoed until 10 March, 09:00" in html
        assert response["X-Robots-Tag"].startswith("noindex")
        assert re.search(r'<meta name="robots" content="noindex[^"]*">', html)
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        assert "script-src 'none'" in response["Content-Security-Policy"]  # readers' policy
        assert token not in html  # not in the canonical link, nor anywhere else
        assert "sessionid" not in response.cookies  # an outsider is not signed in to anything

    def test_the_preview_shows_no_other_unpublished_piece(self, client, draft):
        other = make_draft(title="Otherdraftcanary unreleased")
        draft.related_links.create(to_article=other, position=1)
        _, token = link_for(draft)
        html = open_link(client, token).content.decode()
        assert "draftmarker" in html and "Otherdraftcanary" not in html

    def test_an_interview_previews_with_its_dialogue(self, client):
        interview = make_interview(status="draft", published_at=None, segments=2)
        _, token = link_for(interview)
        html = open_link(client, token).content.decode()
        assert "Question 2?" in html and interview.title in html
        assert Interview.objects.get(pk=interview.pk)

    def test_every_view_is_logged_with_a_truncated_address(self, client, draft, settings):
        link, token = link_for(draft)
        open_link(client, token, REMOTE_ADDR="203.0.113.77")
        open_link(client, token, REMOTE_ADDR="2001:db8:abcd:12:1:2:3:4")
        settings.KAZCMS_PROXY_COUNT = 1  # behind our nginx: the address it saw
        open_link(client, token, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
        views = list(PreviewLinkView.objects.filter(link=link).order_by("pk"))
        assert [v.address for v in views] == [
            "203.0.113.0/24",
            "2001:db8:abcd::/48",
            "198.51.100.0/24",
        ]
        assert all(v.at <= timezone.now() for v in views)

    def test_a_published_piece_link_still_works(self, client, draft):
        _, token = link_for(draft)
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
        assert open_link(client, token).status_code == 200


class TestRefusing:
    def assert_refused(self, response):
        html = response.content.decode()
        assert response.status_code == 404
        assert "draftmarker" not in html and "quotemarker" not in html
        assert "Dana Donor" not in html

    def test_an_expired_link_is_404_with_nothing_of_the_piece(self, client, draft):
        link, token = link_for(draft, expires_at=timezone.now() + timedelta(hours=1))
        assert open_link(client, token).status_code == 200
        PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
        self.assert_refused(open_link(client, token))
        assert link.views.count() == 1  # a refused opening is not a view

    def test_a_revoked_link_is_404_after_one_click_in_the_admin(self, desk_client, client, draft):
        link, token = link_for(draft)
        page = desk_client.get(draft.admin_url("preview_links")).content.decode()
        revoke_url = reverse("admin:articles_article_revoke_preview_link", args=[draft.pk, link.pk])
        assert f'action="{revoke_url}"' in page
        response = desk_client.post(revoke_url)
        assert response.status_code == 302
        self.assert_refused(open_link(client, token))
        link.refresh_from_db()
        assert link.revoked_at is not None and link.state == PreviewLink.State.REVOKED
        assert (
            AuditEvent.objects.filter(
                action=AuditEvent.Action.PREVIEW_LINK_REVOKED, piece=draft
            ).count()
            == 1
        )
        desk_client.post(revoke_url)  # pressed twice: still one event, same time
        assert AuditEvent.objects.filter(action=AuditEvent.Action.PREVIEW_LINK_REVOKED).count() == 1

    def test_revoking_needs_a_post(self, desk_client, draft):
        link, _ = link_for(draft)
        url = reverse("admin:articles_article_revoke_preview_link", args=[draft.pk, link.pk])
        assert desk_client.get(url).status_code == 405
        link.refresh_from_db()
        assert link.revoked_at is None

    def test_wrong_tokens_get_the_same_answer_as_expired_and_revoked_ones(self, client, draft):
        expired, expired_token = link_for(draft, expires_at=timezone.now() + timedelta(hours=1))
        PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        revoked, revoked_token = link_for(draft)
        revoked.revoke(None)
        _, valid = link_for(draft)
        stored = PreviewLink.objects.get(pk=revoked.pk)
        tokens = [
            expired_token,
            revoked_token,
            valid[:-1] + ("A" if valid[-1] != "A" else "B"),  # one character off
            valid.upper(),
            stored.token_hash,  # what the database holds opens nothing
            stored.token_prefix,
            "x" * 500,
            "%00",
        ]
        answers = set()
        for token in tokens:
            response = open_link(client, token)
            self.assert_refused(response)
            body = response.content.decode().replace(token, "")
            answers.add((response.status_code, body, response.get("Cache-Control")))
        assert len(answers) == 1


def test_the_list_of_all_links_revokes_a_recipients_links_at_once(desk_client, client, draft):
    from .factories import make_article

    other = make_article(title="Another piece")
    (first, first_token), (second, second_token) = link_for(draft), link_for(other)
    keep, keep_token = link_for(draft, recipient_name="Someone Else", recipient_email="s@x.org")
    listing = reverse("admin:articles_previewlink_changelist")
    page = desk_client.get(listing, {"q": "dana@example.org"}).content.decode()
    assert "Dana Donor" in page and "Someone Else" not in page
    assert first_token not in page and first.token_hash not in page
    response = desk_client.post(
        listing,
        {
            "action": "revoke_links",
            "_selected_action": [first.pk, second.pk],
            "listed_at": timezone.now().isoformat(),
        },
    )
    assert response.status_code == 302
    assert open_link(client, first_token).status_code == 404
    assert open_link(client, second_token).status_code == 404
    assert open_link(client, keep_token).status_code == 200
    assert PreviewLink.objects.filter(revoked_at=None).get() == keep
    revoked = desk_client.get(listing, {"state": "revoked"}).content.decode()
    assert "Dana Donor" in revoked and "Someone Else" not in revoked


def test_the_preview_page_query_count_is_fixed(client):
    from .test_views import _count_queries, _rich_article

    small = _rich_article(1, model_factory=make_interview, segments=1, status="draft")
    large = _rich_article(10, model_factory=make_interview, segments=20, status="draft")
    small_url, large_url = (
        reverse("articles:preview_link", args=[link_for(piece)[1]]) for piece in (small, large)
    )
    small_count = _count_queries(client, small_url)
    assert _count_queries(client, large_url) == small_count
    # The interview page's own, plus finding the link and logging the view.
    assert small_count <= 13
