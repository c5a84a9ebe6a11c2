"""Plain factory functions: ``make_x(**overrides)`` with sensible defaults."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Funder, FundingProject, Person, Photo, Programme
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


def make_photo(**overrides):
    fields = {"caption": "Police in Almaty", "alt_text": "Police officers on a street"}
    fields.update(overrides)
    if "credit_person" not in fields and "credit_text" not in fields:
        fields["credit_text"] = "Staff photographer"
    photo = Photo(**fields)
    photo.image.save("test.jpg", image_upload(), save=False)
    photo.save()
    return photo


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


# --- Editorial workflow (issue 5): newsroom users in their roles ------------------------------


def make_user(role=None, **overrides):
    """A staff user in one of the roles the migration creates (Contributors, Editors, …)."""
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
    overrides.setdefault("lead_photo", make_photo())
    overrides.setdefault("status", Article.Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_article(model=model, **overrides)
