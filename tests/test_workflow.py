"""States, publishing checks, scheduling, preview, corrections and the audit trail."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEvent, Correction
from articles.publishing import transitions
from interviews.models import Interview

from .factories import (
    make_article,
    make_draft,
    make_interview,
    make_person,
    make_photo,
    make_ready_draft,
    make_user,
)
from .workflow_helpers import admin_url, post_change, run_action

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = (
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.PUBLISHED,
)


def reload(piece):
    return type(piece).objects.get(pk=piece.pk)


def actions_of(piece):
    return list(
        AuditEvent.objects.filter(piece=piece).order_by("at", "pk").values_list("action", flat=True)
    )


class TestStates:
    def test_draft_review_published_and_back(self, desk):
        writer = make_user("Contributors")
        piece = make_ready_draft(created_by=writer)
        transitions.submit(piece, writer)
        assert reload(piece).status == REVIEW
        transitions.back_to_draft(piece, desk)
        assert reload(piece).status == DRAFT
        transitions.submit(piece, writer)
        transitions.publish(piece, desk)
        assert reload(piece).is_public
        transitions.back_to_draft(piece, desk)
        assert reload(piece).status == DRAFT
        assert actions_of(piece) == [
            "submitted",
            "returned",
            "submitted",
            "published",
            "unpublished",
        ]

    def test_submit_never_unpublishes_and_no_op_changes_are_reported(self, desk_client):
        live = make_article(title="Live piece", lead_photo=make_photo())
        draft = make_ready_draft(title="Quiet draft")
        response = run_action(desk_client, "submit_for_review", [live])
        assert "“Live piece” was not changed: It is published: nothing to do." in (
            response.content.decode()
        )
        assert reload(live).status == PUBLISHED
        response = run_action(desk_client, "back_to_draft", [draft])
        assert "“Quiet draft” was not changed" in response.content.decode()
        assert actions_of(live) == actions_of(draft) == []

    def test_republishing_keeps_the_first_publication_date(self, desk):
        piece = make_ready_draft()
        transitions.publish(piece, desk)
        first = reload(piece).published_at
        transitions.back_to_draft(piece, desk)
        transitions.publish(piece, desk)
        assert reload(piece).published_at == first

    def test_publishing_requires_standfirst_and_credited_photo_with_alt(self, desk):
        piece = make_draft(standfirst="", lead_photo=None)
        with pytest.raises(transitions.WorkflowError) as refused:
            transitions.publish(piece, desk)
        text = " ".join(refused.value.problems)
        assert "standfirst" in text and "lead photo" in text
        piece.lead_photo = make_photo(alt_text="", credit_text="", caption="Square")
        piece.standfirst = "Sum-up."
        piece.save()
        with pytest.raises(transitions.WorkflowError) as refused:
            transitions.publish(piece, desk)
        text = " ".join(refused.value.problems)
        assert "no alt text" in text and "no credit" in text
        assert reload(piece).status == DRAFT

    def test_admin_form_tells_the_editor_what_is_missing(self, desk_client):
        piece = make_draft(standfirst="")
        response = post_change(desk_client, piece, status=PUBLISHED)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cannot be published yet" in html
        assert "Write a standfirst" in html and "Choose a lead photo" in html
        assert reload(piece).status == DRAFT

    def test_publish_action_names_each_piece_and_what_it_lacks(self, desk_client):
        ready = make_ready_draft(title="Ready piece")
        lacking = make_draft(title="Lacking piece", standfirst="")
        response = run_action(desk_client, "publish_pieces", [ready, lacking])
        html = response.content.decode()
        assert "1 piece(s) published or scheduled" in html
        assert "“Lacking piece” was not changed" in html and "Write a standfirst" in html
        assert reload(ready).status == PUBLISHED
        assert reload(lacking).status == DRAFT

    def test_editor_publishes_through_the_form(self, desk_client, desk):
        piece = make_ready_draft()
        response = post_change(desk_client, piece, status=PUBLISHED)
        assert response.status_code == 302
        assert reload(piece).is_public
        assert actions_of(piece) == ["published"]
        assert AuditEvent.objects.get(piece=piece).user == desk

    def test_interview_action_keeps_it_an_interview(self, desk_client):
        interview = make_ready_draft(model=Interview, interviewee=make_person())
        interview.segments.create(position=1, question="Why?", answer="<p>Because.</p>")
        run_action(desk_client, "publish_pieces", [interview])
        piece = Article.objects.get(pk=interview.pk)
        assert piece.piece_type == "interviews.interview" and piece.status == PUBLISHED


class TestScheduling:
    def test_future_time_is_scheduled_and_audited(self, desk_client):
        piece = make_ready_draft()
        when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0)
        response = post_change(
            desk_client,
            piece,
            status=PUBLISHED,
            published_at_0=when.strftime("%d/%m/%Y"),
            published_at_1=when.strftime("%H:%M:%S"),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        piece = reload(piece)
        assert piece.is_scheduled and not piece.is_public
        assert actions_of(piece) == ["scheduled"]
        assert piece.state_label == "Scheduled"

    def test_appears_at_its_second_and_not_before(self, client):
        at = timezone.now().replace(microsecond=0) + timedelta(hours=3)
        piece = make_article(title="Embargoed EMBARGOCANARY", published_at=at)
        for now, visible in (
            (at - timedelta(seconds=1), False),
            (at - timedelta(microseconds=1), False),
            (at, True),
            (at + timedelta(seconds=1), True),
        ):
            with mock.patch("django.utils.timezone.now", return_value=now):
                detail = client.get(piece.get_absolute_url())
                listing = client.get(reverse("articles:list")).content.decode()
            assert (detail.status_code == 200) is visible, now
            assert ("EMBARGOCANARY" in listing) is visible, now

    @pytest.mark.parametrize(
        ("state", "shown"),
        [
            ("live", "LIVEPIECE"),
            ("scheduled", "LATERPIECE"),
            ("draft", "DRAFTPIECE"),
            ("review", "REVIEWPIECE"),
        ],
    )
    @pytest.mark.parametrize("model", [Article, Interview])
    def test_newsroom_lists_filter_by_state_including_scheduled(
        self, desk_client, model, state, shown
    ):
        make = make_interview if model is Interview else make_article
        make(title="Live LIVEPIECE")
        make(title="Later LATERPIECE", published_at=timezone.now() + timedelta(hours=1))
        make(title="Draft DRAFTPIECE", status=DRAFT, published_at=None)
        make(title="Sent REVIEWPIECE", status=REVIEW, published_at=None)
        list_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = desk_client.get(list_url, {"state": state})
        titles = {piece.title.split()[-1] for piece in response.context["cl"].result_list}
        assert titles == {shown}


class TestPreview:
    def test_staff_see_a_draft_as_readers_will_with_a_banner(self, desk_client):
        piece = make_draft(title="Draft PREVIEWCANARY")
        response = desk_client.get(reverse("articles:preview", args=[piece.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "PREVIEWCANARY" in html
        assert "Preview — not published" in html
        assert '<meta name="robots" content="noindex' in html
        assert "no-cache" in response["Cache-Control"]
        assert response["X-Robots-Tag"].startswith("noindex")
        assert [t.name for t in response.templates][0] == "articles/article_detail.html"

    def test_interview_preview_uses_the_interview_page(self, desk_client):
        interview = make_interview(status=DRAFT, published_at=None, segments=2)
        response = desk_client.get(reverse("articles:preview", args=[interview.pk]))
        assert response.templates[0].name == "interviews/interview_detail.html"
        assert "Question 2?" in response.content.decode()

    def test_scheduled_piece_preview_says_when(self, desk_client):
        piece = make_article(published_at=timezone.now() + timedelta(days=1))
        html = desk_client.get(reverse("articles:preview", args=[piece.pk])).content.decode()
        assert "Scheduled for" in html

    def test_query_count_is_fixed(self, desk_client, django_assert_max_num_queries):
        small = make_interview(status=DRAFT, published_at=None, segments=1)
        large = make_interview(status=DRAFT, published_at=None, segments=20)
        # Steady state: the settings rows every page reads are kept until the content changes.
        desk_client.get(reverse("articles:preview", args=[small.pk]))
        counts = []
        for piece in (small, large):
            with django_assert_max_num_queries(30) as queries:
                desk_client.get(reverse("articles:preview", args=[piece.pk]))
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_view_on_site_goes_to_the_preview_until_public(self, desk_client):
        draft, live = make_draft(), make_article()
        assert desk_client.get(admin_url(draft)).context["absolute_url"] == reverse(
            "articles:preview", args=[draft.pk]
        )
        assert desk_client.get(admin_url(live)).context["absolute_url"] == (live.get_absolute_url())

    def test_anonymous_visitors_get_the_same_404_as_for_nothing(self, client):
        piece = make_draft(title="Draft PREVIEWCANARY")
        missing = client.get(reverse("articles:preview", args=[999999]))
        response = client.get(reverse("articles:preview", args=[piece.pk]))
        assert response.status_code == missing.status_code == 404
        assert "PREVIEWCANARY" not in response.content.decode()
        # Same page apart from the address echoed in the canonical link.
        assert response.content.decode().replace(f"/{piece.pk}/", "/999999/") == (
            missing.content.decode()
        )

    def test_non_staff_and_other_contributors_get_404(self, client):
        piece = make_draft(created_by=make_user("Contributors"))
        for user in (make_user(is_staff=False), make_user("Contributors")):
            client.force_login(user)
            assert client.get(reverse("articles:preview", args=[piece.pk])).status_code == 404


class TestCorrections:
    def test_readers_see_dated_notes_at_the_foot(self, client, desk):
        piece = make_ready_draft()
        transitions.publish(piece, desk)
        published_at, updated_at = reload(piece).published_at, reload(piece).updated_at
        noted = timezone.now() + timedelta(minutes=5)
        with mock.patch("django.utils.timezone.now", return_value=noted):
            transitions.add_correction(piece, desk, "An earlier version misspelt the minister.")
        piece = reload(piece)
        assert piece.published_at == published_at
        assert piece.updated_at > updated_at
        html = client.get(piece.get_absolute_url()).content.decode()
        foot = html[html.index('class="corrections"') :]
        assert "misspelt the minister" in foot
        local = timezone.localtime(noted)
        assert f"{local:%-d %B %Y, %H:%M}" in foot
        assert "Updated" in html[: html.index('class="corrections"')]
        assert actions_of(piece)[-1] == "corrected"

    def test_editor_adds_a_note_through_the_inline(self, desk_client):
        piece = make_article(lead_photo=make_photo())
        response = post_change(
            desk_client,
            piece,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "update",
                "corrections-0-text": "Police released the detainees on Monday.",
                "corrections-0-noted_at_0": "01/06/2026",
                "corrections-0-noted_at_1": "12:00:00",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        note = Correction.objects.get(piece=piece)
        assert note.kind == "update"
        assert "corrected" in actions_of(piece)

    def test_only_published_pieces_take_notes(self, desk):
        with pytest.raises(transitions.WorkflowError):
            transitions.add_correction(make_draft(), desk, "Nope")
        with pytest.raises(transitions.WorkflowError):
            transitions.add_correction(make_article(), make_user("Contributors"), "Nope")

    def test_no_updated_line_without_notes(self, client):
        html = client.get(make_article().get_absolute_url()).content.decode()
        assert "Updated" not in html


class TestAuditTrail:
    def test_created_through_admin_then_moved_along(self, desk_client, desk):
        writer = make_user("Contributors")
        piece = make_ready_draft(created_by=writer)
        transitions.record(piece, AuditEvent.Action.CREATED, writer)
        transitions.submit(piece, writer)
        run_action(desk_client, "publish_pieces", [piece])
        run_action(desk_client, "back_to_draft", [piece])
        events = AuditEvent.objects.filter(piece=piece).order_by("at", "pk")
        assert [(e.action, e.user) for e in events] == [
            ("created", writer),
            ("submitted", writer),
            ("published", desk),
            ("unpublished", desk),
        ]

    def test_shown_on_the_piece_and_in_the_filtered_site_list(self, desk_client, desk):
        piece = make_ready_draft(title="Audited piece")
        other = make_ready_draft(title="Other piece")
        transitions.publish(piece, desk)
        transitions.submit(other, desk)
        page = desk_client.get(admin_url(piece)).content.decode()
        assert 'id="audit-trail"' in page and "Published" in page
        listing = desk_client.get(
            reverse("admin:articles_auditevent_changelist"), {"action": "published"}
        ).content.decode()
        assert "Audited piece" in listing and "Other piece" not in listing

    def test_audit_events_cannot_be_edited_or_deleted(self, desk_client, desk):
        event = transitions.record(make_draft(), AuditEvent.Action.CREATED, desk)
        url = reverse("admin:articles_auditevent_delete", args=[event.pk])
        assert desk_client.post(url, {"post": "yes"}).status_code == 403
        assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_piece_leaves_its_audit_trail(client):
    admin_user = make_user("Administrators")
    client.force_login(admin_user)
    piece = make_draft(title="Short-lived piece")
    response = client.post(admin_url(piece, "delete"), {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="deleted")
    assert (event.piece, event.piece_title, event.user) == (None, "Short-lived piece", admin_user)
