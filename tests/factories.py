"""Plain factory functions: ``make_x(**overrides)`` with sensible defaults."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import (
    Article,
    Funder,
    FundingProject,
    Person,
    Photo,
    Programme,
    Region,
    Topic,
)
from interviews.models import Interview

_counter = itertools.count(1)


def image_bytes(size=(64, 48), fmt="JPEG", color=(120, 90, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def image_upload(name="photo.jpg", size=(64, 48), fmt="JPEG"):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(size, fmt), content_type=content_type)


def make_person(**overrides):
    n = next(_counter)
    return Person.objects.create(**{"name": f"Person {n}", "role": "Analyst", **overrides})


def make_photo(renditions=True, **overrides):
    """A small credited photo, saved as an editor's upload is (metadata stripped, renditions built).

    ``renditions=False`` is the fast path for tests that never look at renditions: the file is
    stored and the row inserted by ``bulk_create``, which skips ``Photo.save()``; the photo is then
    like one from before renditions, and pages fall back to the original as they do for those.
    """
    fields = {"caption": "Police in Almaty", "alt_text": "Police officers on a street"}
    fields.update(overrides)
    if "credit_person" not in fields and "credit_text" not in fields:
        fields["credit_text"] = "Staff photographer"
    photo = Photo(**fields)
    photo.image.save("test.jpg", image_upload(), save=False)
    if renditions:
        photo.save()
        return photo
    (photo,) = Photo.objects.bulk_create([photo])
    return Photo.objects.get(pk=photo.pk)  # as loaded, so a later save() knows its file


def make_programme(**overrides):
    n = next(_counter)
    return Programme.objects.create(**{"name": f"Bureau {n}", **overrides})


def make_project(funders=(), **overrides):
    n = next(_counter)
    project = FundingProject.objects.create(**{"name": f"Project {n}", **overrides})
    project.funders.set(funders or [Funder.objects.create(name=f"Funder {n}")])
    return project


def _fill(piece, authors, regions, topics, projects):
    if authors:
        piece.authors.set(authors)
    if regions:
        piece.regions.set(regions)
    if topics:
        piece.topics.set(topics)
    if projects:
        piece.projects.set(projects)
    return piece


def make_article(authors=(), regions=(), topics=(), projects=(), model=Article, **overrides):
    n = next(_counter)
    fields = {
        "title": f"Article number {n}",
        "standfirst": f"Standfirst {n}",
        "body": f"<p>Body of article {n}</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=n),
    }
    fields.update(overrides)
    return _fill(model.objects.create(**fields), authors, regions, topics, projects)


def make_draft(**overrides):
    return make_article(status=Article.Status.DRAFT, published_at=None, **overrides)


def make_interview(segments=1, **overrides):
    overrides.setdefault("interviewee", make_person(name=f"Interviewee {next(_counter)}"))
    interview = make_article(model=Interview, **overrides)
    for position in range(1, segments + 1):
        interview.segments.create(
            position=position,
            question=f"Question {position}?",
            answer=f"<p>Answer {position}.</p>",
            asker_label="IWPR" if position == 1 else "",
            answerer_label="Analyst" if position == 1 else "",
        )
    return interview


def make_user(role=None, **overrides):
    """A staff user in one of the roles of kazcms/roles.py (Contributors, Editors, …)."""
    from django.contrib.auth.models import Group, User

    n = next(_counter)
    user = User.objects.create_user(
        **{"username": f"user{n}", "password": None, "is_staff": True, **overrides}
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_ready_draft(model=Article, **overrides):
    """A draft with everything publishing needs (standfirst, credited lead photo with alt)."""
    overrides.setdefault("lead_photo", make_photo(renditions=False))
    overrides.setdefault("status", Article.Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_article(model=model, **overrides)


# What must never reach a reader: unique words in the titles of the hidden pieces.
CANARIES = ("DRAFTCANARY", "SCHEDCANARY", "IVCANARY")


def make_newsroom(
    *,
    author="Aigerim Writer",
    region="Kazakhstan",
    topic="Security",
    programme="Central Asia Bureau",
    project="Bridging Divides",
    public=None,
    interview=None,
    hidden=True,
    hidden_apart=False,
):
    """The small newsroom page tests start from; returns its parts in a dict.

    One author, region, topic, programme and funded project (each a name, or a ready object),
    shared as ``shared`` by a published article ``public`` (its fields, "Public piece" by default)
    and, given its fields, a published ``interview``. With ``hidden``, a draft, a scheduled article
    and a draft interview (``hidden``, in that order, titled with ``CANARIES``) share them too,
    or, with ``hidden_apart``, use vocabularies of their own (``ghost``) that no public piece uses.
    """
    n = {
        "author": _named(author, make_person),
        "region": _named(region, Region.objects.create),
        "topic": _named(topic, Topic.objects.create),
        "programme": _named(programme, make_programme),
        "project": _named(project, make_project),
    }
    n["funder"] = n["project"].funders.first()
    n["shared"] = {
        "authors": [n["author"]],
        "regions": [n["region"]],
        "topics": [n["topic"]],
        "projects": [n["project"]],
        "programme": n["programme"],
    }
    n["public"] = make_article(**{"title": "Public piece", **n["shared"], **(public or {})})
    n["interview"] = None if interview is None else make_interview(**{**n["shared"], **interview})
    n["ghost"] = n["shared"]  # the vocabulary the hidden pieces use
    if hidden_apart:
        n["ghost"] = {
            "authors": [make_person(name="Ghost Writer")],
            "regions": [Region.objects.create(name="Atlantis")],
            "topics": [Topic.objects.create(name="Secrets")],
            "projects": [make_project(name="Hidden Project")],
            "programme": make_programme(name="Hidden Bureau"),
        }
    n["hidden"] = []
    if hidden:
        draft, scheduled, draft_interview = CANARIES
        n["hidden"] = [
            make_draft(title=draft, slug=draft.lower(), **n["ghost"]),
            make_article(
                title=scheduled,
                slug=scheduled.lower(),
                published_at=timezone.now() + timedelta(days=1),
                **n["ghost"],
            ),
            make_interview(
                title=draft_interview,
                slug=draft_interview.lower(),
                status=Article.Status.DRAFT,
                published_at=None,
                **n["ghost"],
            ),
        ]
    return n


def _named(value, make):
    return make(name=value) if isinstance(value, str) else value
