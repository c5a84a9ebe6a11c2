"""No lost edits: a save made from a stale form is refused, with the editor's input kept."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from articles.models import (
    Article,
    Funder,
    Region,
    SealedIdentity,
    SitePage,
    SiteSettings,
    Topic,
)
from articles.publishing import transitions
from articles.publishing.admin import WorkflowAdminMixin
from articles.publishing.concurrency import EditGuardAdminMixin
from interviews.models import Interview
from newsletter.models import NewsletterSettings

from .factories import (
    make_article,
    make_interview,
    make_person,
    make_photo,
    make_programme,
    make_project,
    make_ready_draft,
    make_user,
)
from .formdata import form_data
from .workflow_helpers import admin_url, change_form, changelist_url, post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors():
    alice, bob = make_user("Editors", username="alice"), make_user("Editors", username="bob")
    clients = Client(), Client()
    clients[0].force_login(alice)
    clients[1].force_login(bob)
    return alice, bob, clients


def reload(piece):
    return type(piece).objects.get(pk=piece.pk)


def test_second_save_is_refused_and_keeps_the_input(two_editors):
    alice, bob, (alice_client, bob_client) = two_editors
    piece = make_article(title="Original title", standfirst="Original standfirst")
    piece.lead_photo = make_photo()
    piece.save()
    alice_form, bob_form = change_form(alice_client, piece), change_form(bob_client, piece)

    alice_form["title"] = "Alice's title"
    assert alice_client.post(admin_url(piece), alice_form).status_code == 302

    bob_form["standfirst"] = "Bob's careful standfirst BOBTEXT"
    response = bob_client.post(admin_url(piece), bob_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your changes have NOT been saved" in html
    assert "alice saved this piece" in html
    # Bob's words are still in the form, and Alice's change is shown next to them.
    form = response.context["adminform"].form
    assert form["standfirst"].value() == "Bob's careful standfirst BOBTEXT"
    changed = {row["label"]: row for row in form.conflict["changes"]}
    assert changed["Title"]["stored"] == "Alice's title"
    assert changed["Title"]["mine"] == "Original title"
    assert "Alice&#x27;s title" in html
    stored = reload(piece)
    assert (stored.title, stored.standfirst) == ("Alice's title", "Original standfirst")

    # After merging, Bob saves the re-shown form and it goes through.
    merged = form_data(response, "article_form")
    merged.update({"title": "Alice's title", "_save": "Save"})
    assert bob_client.post(admin_url(piece), merged).status_code == 302
    stored = reload(piece)
    assert (stored.title, stored.standfirst) == (
        "Alice's title",
        "Bob's careful standfirst BOBTEXT",
    )


def test_stale_inline_segments_are_not_saved(two_editors):
    alice, bob, (alice_client, bob_client) = two_editors
    interview = make_interview(segments=2, lead_photo=make_photo())
    post_change(alice_client, interview)  # saved in the newsroom once, as pieces are
    alice_form, bob_form = change_form(alice_client, interview), change_form(bob_client, interview)
    alice_form["segments-0-question"] = "Alice's question?"
    assert alice_client.post(admin_url(interview), alice_form).status_code == 302
    bob_form["segments-1-question"] = "Bob's question?"
    bob_form["segments-0-DELETE"] = "on"
    response = bob_client.post(admin_url(interview), bob_form)
    assert response.status_code == 200
    questions = list(
        Interview.objects.get(pk=interview.pk).segments.values_list("question", flat=True)
    )
    # What Alice changed in the dialogue is shown to Bob, not only the form's own fields.
    since = dict(response.context["adminform"].form.conflict["since"])
    assert ("+", "Q1: Alice's question?") in since["Questions and answers"]
    assert questions == ["Alice's question?", "Question 2?"]
    assert response.context["inline_admin_formsets"][0].formset.data["segments-1-question"] == (
        "Bob's question?"
    )


def test_form_opened_before_an_action_is_refused(two_editors):
    alice, bob, (alice_client, bob_client) = two_editors
    piece = make_ready_draft(title="Before the action")
    stale = change_form(bob_client, piece)
    transitions.publish(piece, alice)
    stale["title"] = "Bob's late edit"
    stale["status"] = Article.Status.DRAFT  # what Bob's form still says
    response = bob_client.post(admin_url(piece), stale)
    assert response.status_code == 200
    stored = reload(piece)
    assert stored.status == Article.Status.PUBLISHED and stored.title == "Before the action"


def test_a_post_without_the_edit_token_is_refused(two_editors):
    _, _, (alice_client, _) = two_editors
    piece = make_ready_draft(title="Tokenless")
    data = change_form(alice_client, piece)
    del data["edit_token"]
    data["title"] = "Blind overwrite"
    assert alice_client.post(admin_url(piece), data).status_code == 200
    assert reload(piece).title == "Tokenless"


def test_each_save_moves_the_version_on():
    piece = make_article()
    before = piece.version
    piece.save(update_fields=["title"])
    assert reload(piece).version == before + 1


def test_action_refuses_pieces_changed_after_the_list_was_shown(two_editors):
    alice, bob, (alice_client, bob_client) = two_editors
    piece = make_ready_draft(title="Listed piece")
    untouched = make_ready_draft(title="Untouched piece")
    listing = bob_client.get(reverse("admin:articles_article_changelist"))
    listed_at = form_data(listing, "changelist-form")["listed_at"]
    assert listed_at
    post_change(alice_client, piece, standfirst="Alice rewrote it meanwhile")
    response = bob_client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "publish_pieces",
            "_selected_action": [piece.pk, untouched.pk],
            "listed_at": listed_at,
        },
        follow=True,
    )
    assert "alice changed it after you opened this list" in response.content.decode()
    assert reload(piece).status == Article.Status.DRAFT
    assert reload(untouched).status == Article.Status.PUBLISHED


@pytest.mark.parametrize(
    "listed_at",
    [None, "", "yesterday", "2024-02-30T10:00:00+00:00", "2024-01-01T10:00:00"],
    ids=["missing", "empty", "not-a-time", "no-such-day", "no-time-zone"],
)
def test_action_without_a_valid_list_token_is_refused_and_changes_nothing(two_editors, listed_at):
    _, bob, (_, bob_client) = two_editors
    piece = make_ready_draft(title="Listed piece")
    data = form_data(bob_client.get(changelist_url()), "changelist-form")
    assert data.pop("listed_at")  # the form carries it; this post leaves it out or spoils it
    if listed_at is not None:
        data["listed_at"] = listed_at
    data.update({"action": "publish_pieces", "_selected_action": [piece.pk]})
    response = bob_client.post(changelist_url(), data, follow=True)
    assert "Nothing was changed: the list you acted on did not say when" in (
        response.content.decode()
    )
    assert reload(piece).status == Article.Status.DRAFT
    assert not piece.audit_events.filter(action="published").exists()


def test_the_interview_list_carries_the_list_token_too(two_editors):
    _, _, (_, bob_client) = two_editors
    interview = make_interview(title="Listed interview", lead_photo=make_photo())
    interview.status, interview.published_at = Article.Status.DRAFT, None
    interview.save()
    url = changelist_url("interviews.interview")
    data = form_data(bob_client.get(url), "changelist-form")
    assert data["listed_at"]
    data.update({"action": "publish_pieces", "_selected_action": [interview.pk]})
    bob_client.post(url, data, follow=True)
    assert reload(interview).status == Article.Status.PUBLISHED


def _person():
    from articles.models import Person

    return Person.objects.create(name="Aigerim", role="Analyst")


def _project():
    from articles.models import FundingProject

    return FundingProject.objects.create(name="Bridging Divides")


@pytest.mark.parametrize(
    ("model_name", "make", "alice_field", "bob_field"),
    [
        ("person", _person, "name", "bio"),
        ("fundingproject", _project, "name", "description"),
        ("photo", make_photo, "caption", "alt_text"),
    ],
)
def test_other_newsroom_records_refuse_stale_saves_too(
    two_editors, model_name, make, alice_field, bob_field
):
    alice, bob, (alice_client, bob_client) = two_editors
    obj = make()
    url = reverse(f"admin:articles_{model_name}_change", args=[obj.pk])
    form_id = f"{model_name}_form"
    alice_form = form_data(alice_client.get(url), form_id)
    bob_form = form_data(bob_client.get(url), form_id)
    alice_form[alice_field] = "Alice's words"
    assert alice_client.post(url, alice_form).status_code == 302
    bob_form[bob_field] = "Bob's words BOBTEXT"
    response = bob_client.post(url, bob_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your changes have NOT been saved" in html and "BOBTEXT" in html
    assert "Alice&#x27;s words" in html  # what changed meanwhile, beside Bob's input
    obj.refresh_from_db()
    assert getattr(obj, alice_field) == "Alice's words"
    assert getattr(obj, bob_field) != "Bob's words BOBTEXT"
    # Saving again after merging goes through.
    merged = form_data(response, form_id)
    merged[alice_field] = "Alice's words"
    assert bob_client.post(url, merged).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, bob_field) == "Bob's words BOBTEXT"


GUARDED = {
    "articles.person": make_person,
    "articles.photo": make_photo,
    "articles.programme": make_programme,
    "articles.funder": lambda: Funder.objects.create(name="Open Society"),
    "articles.fundingproject": make_project,
    "articles.region": lambda: Region.objects.create(name="Ferghana Valley"),
    "articles.topic": lambda: Topic.objects.create(name="Water"),
    "articles.sitesettings": lambda: SiteSettings.objects.get_or_create(pk=1)[0],
    "articles.sitepage": lambda: SitePage.objects.create(name="About us", body="<p>Who.</p>"),
    "articles.sealedidentity": lambda: SealedIdentity.objects.create(
        person=make_person(is_pen_name=True), real_name="Someone"
    ),
    "newsletter.newslettersettings": lambda: NewsletterSettings.objects.get_or_create(pk=1)[0],
}


def test_every_guarded_admin_is_covered_below():
    guarded = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, EditGuardAdminMixin)
        and not isinstance(model_admin, WorkflowAdminMixin)  # pieces: tested above
    }
    assert guarded == set(GUARDED)


@pytest.mark.parametrize("label", sorted(GUARDED))
def test_every_guarded_change_form_shows_what_changed_meanwhile(editor_client, label):
    obj = GUARDED[label]()
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    data = form_data(editor_client.get(url), f"{model_name}_form")
    assert data["edit_token"]
    data["edit_token"] = "opened-before-someone-saved"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your changes have NOT been saved" in html
    assert 'id="conflict-heading"' in html  # the model's admin template includes the table
