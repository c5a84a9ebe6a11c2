"""Roles: each forbidden action is tried directly through URLs and POSTs, never just hidden."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, AuditEvent, SiteSettings
from articles.publishing import transitions
from interviews.models import Interview

from .factories import make_article, make_interview, make_ready_draft, make_user
from .formdata import form_data
from .workflow_helpers import admin_url, change_form, changelist_url, post_change, run_action

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = (
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.PUBLISHED,
)


def own_draft(user, **overrides):
    return make_ready_draft(created_by=user, **overrides)


def reload(piece):
    return type(piece).objects.get(pk=piece.pk)


def test_migration_creates_the_three_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Contributors",
        "Editors",
        "Administrators",
    }


class TestContributors:
    def test_can_create_a_draft_which_is_theirs(self, contributor_client, contributor):
        response = contributor_client.get(reverse("admin:articles_article_add"))
        statuses = [c[0] for c in response.context["adminform"].form.fields["status"].choices]
        assert statuses == [DRAFT, REVIEW]
        response = contributor_client.post(
            reverse("admin:articles_article_add"),
            {
                "title": "My first draft",
                "language": "en",
                "slug": "",
                "standfirst": "",
                "body": "<p>Text</p>",
                "kind": "analysis",
                "status": DRAFT,
                "related_links-TOTAL_FORMS": "0",
                "related_links-INITIAL_FORMS": "0",
                "_save": "Save",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        piece = Article.objects.get(title="My first draft")
        assert (piece.created_by, piece.status) == (contributor, DRAFT)
        assert AuditEvent.objects.filter(piece=piece, action="created", user=contributor).exists()

    def test_cannot_create_a_published_piece(self, contributor_client):
        response = contributor_client.post(
            reverse("admin:articles_article_add"),
            {
                "title": "Sneaky",
                "body": "<p>Text</p>",
                "kind": "analysis",
                "status": PUBLISHED,
                "published_at_0": "2020-01-01",
                "published_at_1": "10:00",
                "related_links-TOTAL_FORMS": "0",
                "related_links-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert "status" in response.context["adminform"].form.errors
        assert not Article.objects.filter(title="Sneaky").exists()

    def test_can_submit_own_draft_for_review(self, contributor_client, contributor):
        piece = own_draft(contributor)
        response = post_change(contributor_client, piece, status=REVIEW)
        assert response.status_code == 302
        assert reload(piece).status == REVIEW
        assert AuditEvent.objects.filter(piece=piece, action="submitted", user=contributor).exists()

    def test_cannot_publish_own_draft_through_the_form(self, contributor_client, contributor):
        piece = own_draft(contributor)
        response = post_change(contributor_client, piece, status=PUBLISHED)
        assert response.status_code == 200
        assert reload(piece).status == DRAFT

    def test_cannot_set_publication_time_or_lead_story(self, contributor_client, contributor):
        piece = own_draft(contributor)
        data = change_form(contributor_client, piece)
        assert "published_at_0" not in data and "is_featured" not in data
        data.update(
            {"published_at_0": "2020-01-01", "published_at_1": "10:00", "is_featured": "on"}
        )
        contributor_client.post(admin_url(piece), data)
        piece = reload(piece)
        assert piece.published_at is None and not piece.is_featured

    def test_workflow_refuses_them_whatever_the_caller(self, contributor):
        draft = own_draft(contributor)
        published = make_article(created_by=contributor)
        for change, piece in (
            (transitions.publish, draft),
            (transitions.back_to_draft, published),
            (transitions.submit, own_draft(make_user("Contributors"))),
        ):
            with pytest.raises(transitions.WorkflowError):
                change(piece, contributor)
        assert reload(draft).status == DRAFT
        assert reload(published).status == PUBLISHED

    def test_cannot_run_publish_or_unpublish_actions(self, contributor_client, contributor):
        draft = own_draft(contributor)
        published = make_article(created_by=contributor)
        run_action(contributor_client, "publish_pieces", [draft])
        run_action(contributor_client, "back_to_draft", [published])
        assert reload(draft).status == DRAFT
        assert reload(published).status == PUBLISHED

    def test_submit_action_works_on_own_drafts_only(self, contributor_client, contributor):
        mine = own_draft(contributor)
        theirs = own_draft(make_user("Contributors"))
        run_action(contributor_client, "submit_for_review", [mine, theirs])
        assert reload(mine).status == REVIEW
        assert reload(theirs).status == DRAFT

    def test_cannot_edit_own_piece_once_in_review(self, contributor_client, contributor):
        piece = own_draft(contributor, status=REVIEW)
        response = contributor_client.get(admin_url(piece))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        response = contributor_client.post(admin_url(piece), {"title": "Changed", "_save": "1"})
        assert response.status_code == 403
        assert reload(piece).title != "Changed"

    def test_cannot_edit_own_published_piece(self, contributor_client, contributor):
        piece = make_article(created_by=contributor, title="Published text")
        response = contributor_client.post(admin_url(piece), {"title": "Changed", "_save": "1"})
        assert response.status_code == 403
        assert reload(piece).title == "Published text"

    def test_cannot_see_or_edit_others_pieces(self, contributor_client):
        other = make_user("Contributors")
        theirs = own_draft(other, title="Their draft")
        response = contributor_client.get(admin_url(theirs))
        assert response.status_code == 302  # "doesn't exist", like any unknown id
        response = contributor_client.post(admin_url(theirs), {"title": "Mine now", "_save": "1"})
        assert reload(theirs).title == "Their draft"
        listing = contributor_client.get(changelist_url())
        assert "Their draft" not in listing.content.decode()

    def test_changelist_shows_only_own_pieces(self, contributor_client, contributor):
        own_draft(contributor, title="Mine OWNPIECE")
        make_article(title="Someone else's OTHERPIECE")
        html = contributor_client.get(changelist_url()).content.decode()
        assert "OWNPIECE" in html and "OTHERPIECE" not in html

    def test_cannot_delete_even_own_drafts(self, contributor_client, contributor):
        piece = own_draft(contributor)
        response = contributor_client.post(admin_url(piece, "delete"), {"post": "yes"})
        assert response.status_code == 403
        assert Article.objects.filter(pk=piece.pk).exists()

    def test_cannot_publish_or_touch_others_interviews(self, contributor_client, contributor):
        mine = make_ready_draft(model=Interview, created_by=contributor)
        mine.segments.create(position=1, question="Q?", answer="<p>A</p>")
        response = post_change(contributor_client, mine, status=PUBLISHED)
        assert response.status_code == 200
        assert reload(mine).status == DRAFT
        theirs = make_interview(status=DRAFT, published_at=None, title="Their interview")
        contributor_client.post(admin_url(theirs), {"title": "Taken", "_save": "1"})
        assert reload(theirs).title == "Their interview"

    def test_cannot_reach_users_settings_or_audit(self, contributor_client):
        for name in (
            "admin:auth_user_changelist",
            "admin:articles_sitesettings_change",
            "admin:articles_auditevent_changelist",
        ):
            url = reverse(name, args=[1]) if name.endswith("_change") else reverse(name)
            assert contributor_client.get(url).status_code in (302, 403), name

    def test_may_link_published_pieces_but_not_others_drafts(self, contributor_client):
        make_article(title="Published neighbour LINKABLE")
        own_draft(make_user("Contributors"), title="Private neighbour LINKABLE")
        response = contributor_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "articles",
                "model_name": "relatedarticle",
                "field_name": "to_article",
                "term": "LINKABLE",
            },
        )
        assert [r["text"] for r in response.json()["results"]] == ["Published neighbour LINKABLE"]

    def test_cannot_open_revisions_of_others_pieces(self, contributor_client):
        theirs = make_article()
        assert contributor_client.get(admin_url(theirs, "revisions")).status_code == 404


class TestEditors:
    def test_edit_others_pieces_and_published_ones(self, desk_client):
        piece = make_article(lead_photo=make_ready_draft().lead_photo)
        response = post_change(desk_client, piece, title="Edited by the desk")
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert reload(piece).title == "Edited by the desk"

    def test_publish_schedule_and_unpublish_with_actions(self, desk_client):
        piece = make_ready_draft(created_by=make_user("Contributors"))
        run_action(desk_client, "publish_pieces", [piece])
        assert reload(piece).is_public
        run_action(desk_client, "back_to_draft", [piece])
        assert reload(piece).status == DRAFT

    def test_manage_people_photos_tags_and_projects(self, desk_client):
        for name in (
            "person",
            "photo",
            "region",
            "topic",
            "fundingproject",
            "funder",
            "programme",
        ):
            url = reverse(f"admin:articles_{name}_add")
            assert desk_client.get(url).status_code == 200, name

    def test_edit_a_stored_photo_without_uploading_it_again(self, desk_client):
        photo = make_ready_draft().lead_photo
        url = reverse("admin:articles_photo_change", args=[photo.pk])
        data = form_data(desk_client.get(url), "photo_form")
        data["caption"] = "A better caption"
        assert desk_client.post(url, data).status_code == 302
        photo.refresh_from_db()
        assert photo.caption == "A better caption" and photo.image.name

    def test_cannot_manage_users_or_site_settings(self, desk_client):
        assert desk_client.get(reverse("admin:auth_user_changelist")).status_code == 403
        settings_row = SiteSettings.objects.create(donate_title="Before")
        response = desk_client.post(
            reverse("admin:articles_sitesettings_change", args=[settings_row.pk]),
            {"donate_title": "Hacked"},
        )
        assert response.status_code == 403
        assert SiteSettings.load().donate_title == "Before"

    def test_see_the_site_wide_audit_trail(self, desk_client):
        url = reverse("admin:articles_auditevent_changelist")
        assert desk_client.get(url).status_code == 200


class TestAdministrators:
    def test_manage_users_and_site_settings(self, client):
        client.force_login(make_user("Administrators"))
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
        settings_row = SiteSettings.objects.create(donate_title="Before")
        url = reverse("admin:articles_sitesettings_change", args=[settings_row.pk])
        data = form_data(client.get(url), "sitesettings_form")
        data["donate_title"] = "Give"
        assert client.post(url, data).status_code == 302
        assert SiteSettings.load().donate_title == "Give"


def test_demo_has_one_account_per_role_only_in_debug(settings):
    from django.contrib.auth.models import User

    from articles import demo

    settings.DEBUG = False
    assert demo.ensure_demo_role_users() == []
    settings.DEBUG = True
    assert len(demo.ensure_demo_role_users()) == 2
    assert User.objects.get(username="reporter").groups.get().name == "Contributors"
    assert User.objects.get(username="desk").groups.get().name == "Editors"
    assert demo.ensure_demo_role_users() == []  # re-runnable
