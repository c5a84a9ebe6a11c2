"""Revisions of pieces: what a snapshot holds, and a readable diff of two.

django-reversion stores the snapshots. A piece's snapshot follows its tags (the taggit
through rows), related links and, through ``register_piece``, anything a subclass adds
(interviews add their segments); authors and projects ride along as many-to-many data.
Corrections and the audit trail are deliberately not followed: restoring old text must
never delete a published correction or rewrite history. Restoring is a workflow transition
(``transitions.restore``); this module knows nothing of the workflow.
"""

import difflib
from collections import defaultdict
from contextlib import contextmanager

import reversion
from reversion.models import Version

from articles.models import (
    Article,
    FundingProject,
    Person,
    Region,
    RelatedArticle,
    TaggedRegion,
    TaggedTopic,
    Topic,
)
from articles.text import html_to_text

_text_parts = {}  # model → function(versions by model) → {label: text}


def register_piece(model, follow=(), text_parts=None):
    """Record revisions of a piece model; ``text_parts`` adds its own parts to the diff."""
    if not reversion.is_registered(model):
        reversion.register(model, follow=tuple(follow))
    if text_parts:
        _text_parts[model] = text_parts


def register_models():
    """Called once at start-up by the articles app config."""
    for model in (TaggedRegion, TaggedTopic, RelatedArticle):
        if not reversion.is_registered(model):
            reversion.register(model)
    register_piece(Article, follow=("taggedregion_set", "taggedtopic_set", "related_links"))


@contextmanager
def recording(user, comment=""):
    """Everything saved inside becomes one revision, signed by ``user``."""
    with reversion.create_revision():
        if user is not None and user.pk:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        yield


def add_piece(piece):
    """Snapshot ``piece`` as saved now, with its parent rows, into the revision being recorded.

    Call once its many-to-many relations are saved. django-reversion snapshots a row when it
    is saved and again when its own relations change, but a piece type's authors and projects
    live on its parent ``Article`` row, which it does not snapshot again: the revision of an
    interview added in the admin held no authors and no projects, and restoring it removed them.
    """
    if not reversion.is_active():
        return
    reversion.add_to_revision(piece)
    for parent in piece._meta.get_parent_list():
        reversion.add_to_revision(getattr(piece, piece._meta.get_ancestor_link(parent).name))


def comment(text):
    """Describe the revision being recorded (the admin's own change message, say)."""
    if reversion.is_active():
        reversion.set_comment(text)


def versions_of(piece):
    """The piece's versions, newest first, with who saved each."""
    return (
        Version.objects.get_for_object(piece)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _names(model, pks):
    names = dict(model.objects.filter(pk__in=pks).values_list("pk", "name"))
    return ", ".join(sorted(str(names.get(pk, f"(deleted #{pk})")) for pk in pks))


def snapshot_text(version):
    """The readable parts of a piece as it was in ``version``: {label: text}."""
    fields = version.field_dict
    by_model = defaultdict(list)
    for other in version.revision.version_set.all():
        by_model[other._model].append(other)
    pk = int(version.object_id)

    def tag_ids(through):
        return [
            v.field_dict["tag_id"]
            for v in by_model.get(through, [])
            if v.field_dict["content_object_id"] == pk
        ]

    related = sorted(
        (v.field_dict["position"], v.field_dict["to_article_id"])
        for v in by_model.get(RelatedArticle, [])
        if v.field_dict["from_article_id"] == pk
    )
    titles = dict(Article.objects.filter(pk__in=[r[1] for r in related]).values_list("pk", "title"))
    parts = {
        "Title": fields.get("title", ""),
        "Standfirst": fields.get("standfirst", ""),
        "Text": html_to_text(fields.get("body", "")),
        "Authors": _names(Person, fields.get("authors", [])),
        "Regions": _names(Region, tag_ids(TaggedRegion)),
        "Topics": _names(Topic, tag_ids(TaggedTopic)),
        "Funding projects": _names(FundingProject, fields.get("projects", [])),
        "Related pieces": "\n".join(titles.get(r[1], f"(deleted #{r[1]})") for r in related),
    }
    text_parts = _text_parts.get(version._model)
    if text_parts:
        parts.update(text_parts(pk, by_model))
    return parts


def diff(old_version, new_version):
    """[(label, [(op, line)])] for each part that differs; op is "+", "-" or " "."""
    old, new = snapshot_text(old_version), snapshot_text(new_version)
    changes = []
    for label in new:
        before, after = old.get(label, ""), new.get(label, "")
        if before == after:
            continue
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[:1] in "+- "
        ]
        changes.append((label, lines))
    return changes


def changes_since(piece, edit_version, limit=50):
    """What changed since the save numbered ``edit_version``, for an editor whose form is stale.

    Covers what the form's own fields cannot show (segments, tags, links); empty when that save
    left no revision (e.g. made from the shell).
    """
    versions = list(versions_of(piece)[:limit])
    if not versions:
        return []
    opened = next((v for v in versions if v.field_dict.get("version") == edit_version), None)
    return diff(opened, versions[0]) if opened is not None and opened != versions[0] else []
