"""Revisions: every admin save is recorded with its relations; editors compare and restore."""

import pytest
from django.urls import reverse

from articles.models import Article, AuditEvent, Region
from articles.publishing import revisions, transitions

from .factories import (
    make_article,
    make_newsroom,
    make_photo,
    make_user,
)
from .workflow_helpers import admin_url, post_change

pytestmark = pytest.mark.django_db


def reload(piece):
    return type(piece).objects.get(pk=piece.pk)


@pytest.fixture
def interview():
    n = make_newsroom(
        author="First Author",
        region="Almaty",
        project="First Project",
        public={"title": "Linked piece"},
        interview={
            "title": "First title",
            "segments": 2,
            "lead_photo": make_photo(renditions=False),
        },
        hidden=False,
    )
    n["interview"].related_links.create(to_article=n["public"], position=1)
    return n["interview"]


def save_first_then_change(client, piece):
    """Save the piece unchanged (revision 1), then change text, tags and segments (revision 2)."""
    assert post_change(client, piece).status_code == 302
    other_region = Region.objects.create(name="Bishkek")
    response = post_change(
        client,
        piece,
        title="Second title",
        regions=[str(other_region.pk)],
        topics=[],
        **{
            "segments-0-question": "A rewritten question?",
            "segments-1-DELETE": "on",
            "related_links-0-DELETE": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return other_region


def test_each_admin_save_records_a_revision_with_its_relations(desk_client, interview):
    save_first_then_change(desk_client, interview)
    versions = list(revisions.versions_of(interview))
    assert len(versions) == 2
    newest, oldest = versions
    old = revisions.snapshot_text(oldest)
    assert old["Title"] == "First title"
    assert old["Regions"] == "Almaty" and old["Topics"] == "Security"
    assert old["Authors"] == "First Author" and old["Funding projects"] == "First Project"
    assert old["Related pieces"] == "Linked piece"
    assert "Q2: Question 2?" in old["Questions and answers"]
    new = revisions.snapshot_text(newest)
    assert new["Regions"] == "Bishkek" and new["Topics"] == "" and new["Related pieces"] == ""
    assert newest.revision.user.username == "desk"
    assert "Changed Title" in newest.revision.get_comment()


def test_editors_list_and_compare_two_revisions(desk_client, interview):
    save_first_then_change(desk_client, interview)
    newest, oldest = revisions.versions_of(interview)
    url = admin_url(interview, "revisions")
    listing = desk_client.get(url)
    assert listing.status_code == 200
    assert listing.content.decode().count('name="a"') == 2
    html = desk_client.get(url, {"a": oldest.pk, "b": newest.pk}).content.decode()
    assert "− First title" in html and "+ Second title" in html
    assert "+ Q1: A rewritten question?" in html
    assert "− Almaty" in html and "+ Bishkek" in html


def test_comparing_unknown_revisions_is_404(desk_client, interview):
    url = admin_url(interview, "revisions")
    assert desk_client.get(url, {"a": "999", "b": "abc"}).status_code == 404


def test_restore_brings_back_text_segments_tags_and_links(desk_client, desk, interview):
    save_first_then_change(desk_client, interview)
    _, oldest = revisions.versions_of(interview)
    url = reverse("admin:interviews_interview_restore", args=[interview.pk, oldest.pk])
    confirm = desk_client.get(url)
    assert confirm.status_code == 200
    assert "related pieces and questions and answers as they were" in confirm.content.decode()
    response = desk_client.post(url)
    assert response.status_code == 302
    piece = reload(interview)
    assert piece.title == "First title"
    assert list(piece.segments.values_list("position", "question")) == [
        (1, "Question 1?"),
        (2, "Question 2?"),
    ]
    assert [r.name for r in piece.regions.all()] == ["Almaty"]
    assert [t.name for t in piece.topics.all()] == ["Security"]
    assert [link.to_article.title for link in piece.related_links.all()] == ["Linked piece"]
    assert piece.status == Article.Status.PUBLISHED  # the state is not rolled back
    assert AuditEvent.objects.filter(piece=piece, action="restored", user=desk).exists()
    assert len(revisions.versions_of(interview)) == 3  # the restore is itself a revision


def test_restore_keeps_the_state_and_corrections(desk_client, desk):
    piece = make_article(title="Draft text", lead_photo=make_photo())
    post_change(desk_client, piece)
    post_change(desk_client, piece, title="Published text")
    transitions.add_correction(piece, desk, "A date was wrong.")
    piece = reload(piece)
    transitions.back_to_draft(piece, desk)
    oldest = list(revisions.versions_of(piece))[-1]
    transitions.restore(piece, oldest, desk)
    piece = reload(piece)
    assert piece.title == "Draft text" and piece.status == Article.Status.DRAFT
    assert piece.corrections.count() == 1


def test_stale_form_is_refused_after_a_restore(desk_client, desk):
    from .workflow_helpers import change_form

    piece = make_article(title="One", lead_photo=make_photo())
    post_change(desk_client, piece)
    post_change(desk_client, piece, title="Two")
    stale = change_form(desk_client, piece)
    transitions.restore(piece, list(revisions.versions_of(piece))[-1], desk)
    stale["title"] = "Three"
    assert desk_client.post(admin_url(piece), stale).status_code == 200
    assert reload(piece).title == "One"


def test_contributor_cannot_restore_others_pieces(client, desk_client):
    piece = make_article(title="Kept", lead_photo=make_photo())
    post_change(desk_client, piece)
    post_change(desk_client, piece, title="Kept too")
    oldest = list(revisions.versions_of(piece))[-1]
    client.force_login(make_user("Contributors"))
    url = reverse("admin:articles_article_restore", args=[piece.pk, oldest.pk])
    assert client.post(url).status_code == 404
    assert reload(piece).title == "Kept too"
    with pytest.raises(transitions.WorkflowError):
        transitions.restore(piece, oldest, make_user("Contributors"))


def test_the_revisions_module_knows_nothing_of_the_workflow():
    # Restore is a transition: transitions build on revisions, never the reverse (not even a
    # late import inside a function), so the two cannot form an import cycle.
    import ast
    from pathlib import Path

    source = Path(revisions.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            imported |= {node.module or "", *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    workflow = {"articles.publishing.transitions", "articles.publishing.rules"}
    assert "articles.models" in imported  # the walk sees the module's imports at all
    assert not imported & (workflow | {"articles.publishing.admin"})
