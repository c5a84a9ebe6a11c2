"""Pen names: readers and staff see the pen name; who is behind it opens only with permission.

A canary real name, contact and note are sealed behind a pen name that writes published and
draft pieces, is interviewed and credits a photo. Every public URL (the walker of
test_public_surfaces) and every admin page (changelists, forms, history, delete pages,
autocompletes, searches, revisions and their diffs, restore pages, the audit list, exports
and donor reports) is fetched as each role without the permission: the canary is never there.
With the permission the record opens, and each opening is audited.
"""

import itertools
import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, AuditEvent, PreviewLink, SealedIdentity
from articles.publishing import revisions

from . import test_public_surfaces as public_walk
from .factories import make_interview, make_newsroom, make_person, make_photo, make_user
from .formdata import form_data

pytestmark = pytest.mark.django_db

PEN_NAME = "Aru Penname"
REAL_NAME = "Zhanibek Canaryreal"
CONTACT = "signal canarycontact 777"
NOTES = "Lives in canarynotes town"
CANARIES = ("canaryreal", "canarycontact", "canarynotes")


@pytest.fixture
def administrator():
    return make_user("Administrators", username="chief")


@pytest.fixture
def pen_world(administrator):
    """A pen name on every kind of surface, its sealed record opened and saved by an admin."""
    contributor = make_user("Contributors", username="writer")
    pen = make_person(name=PEN_NAME, is_pen_name=True, role="Columnist", bio="Writes on water.")
    other = make_person(name="Open Colleague")
    sealed = SealedIdentity.objects.create(
        person=pen, real_name=REAL_NAME, contact=CONTACT, notes=NOTES
    )
    photo = make_photo(credit_person=pen)
    n = make_newsroom(
        author=pen,
        public={"title": f"publicmarker {public_walk.SHARED_WORD}", "lead_photo": photo},
        interview={"title": "Public interview", "interviewee": pen},
        hidden=True,
    )
    for piece in n["hidden"]:
        Article.objects.filter(pk=piece.pk).update(created_by=contributor)
    make_interview(interviewee=pen, status="draft", published_at=None, created_by=contributor)
    # Revisions whose diff changes the byline to and from the pen name.
    piece = n["public"]
    for authors in ([other], [pen, other], [pen]):
        with revisions.recording(administrator, "byline"):
            piece.authors.set(authors)
            piece.save()
    PreviewLink.objects.create(
        piece=n["hidden"][0],
        recipient_name="Donor",
        recipient_email="d@example.org",
        token_hash="0" * 64,
        token_prefix="000000",
    )
    # The administrator opens and saves the record in the admin: log entries, audit events.
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:articles_sealedidentity_change", args=[sealed.pk])
    data = form_data(client.get(url), form_id="sealedidentity_form")
    data["notes"] = f"{NOTES}, updated"
    assert client.post(url, data).status_code == 302
    return {"pen": pen, "sealed": sealed, "contributor": contributor, "newsroom": n}


def has_canary(text):
    text = text.lower()
    return [c for c in CANARIES if c in text]


def candidates(name, model):
    if name == "object_id":
        return [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
    if name == "version_id":
        return [str(pk) for pk in Version.objects.values_list("pk", flat=True)]
    if name == "link_id":
        return [str(pk) for pk in PreviewLink.objects.values_list("pk", flat=True)]
    if name == "fmt":
        return ["csv", "json"]
    return ["1"]


def admin_pages(skip=()):
    """Every page of every registered admin, filled from the data, with searches and
    autocompletes for the pen name and the real name; revision diffs of every pair."""
    urls = {reverse("admin:index"), reverse("admin:app_list", args=["articles"])}
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.urls:
            if not pattern.name or pattern.name in skip:
                continue
            names = list(pattern.pattern.converters)
            for values in itertools.product(*(candidates(n, model) for n in names)):
                url = reverse(f"admin:{pattern.name}", kwargs=dict(zip(names, values, strict=True)))
                urls.add(url)
                if pattern.name.endswith("_changelist"):
                    # The first name only: a search box shows back what was typed.
                    urls.update(f"{url}?{urlencode({'q': q})}" for q in (PEN_NAME, "Zhanibek"))
                if pattern.name.endswith("_report") or pattern.name.endswith("_report_all"):
                    urls.update(f"{url}?download={d}" for d in ("table.csv", "publications.csv"))
        for field in model_admin.autocomplete_fields:
            for term in ("", "Aru", "Zhanibek", REAL_NAME):
                query = {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field,
                    "term": term,
                }
                urls.add(f"{reverse('admin:autocomplete')}?{urlencode(query)}")
    for piece in Article.objects.all():
        versions = list(revisions.versions_of(piece).values_list("pk", flat=True))
        base = reverse(
            f"admin:{piece.piece_model._meta.app_label}_"
            f"{piece.piece_model._meta.model_name}_revisions",
            args=[piece.pk],
        )
        urls.update(f"{base}?a={a}&b={b}" for a, b in itertools.permutations(versions, 2))
    return sorted(urls)


def walk_admin(client, skip=()):
    found = {"leaks": [], "errors": [], "ok": 0}
    for url in admin_pages(skip):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        if response.status_code >= 500:
            found["errors"].append((url, response.status_code))
        if has_canary(text):
            found["leaks"].append(url)
        found["ok"] += response.status_code == 200
    return found


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


class TestPublicSurfaces:
    def test_no_public_url_names_who_is_behind_the_pen_name(self, client, pen_world):
        found = public_walk.walk(client, {"canaries": list(CANARIES)})
        assert not found["leaks"], found["leaks"][:10]
        assert not found["errors"], found["errors"][:10]
        assert found["public_seen"] and found["walked"] > 50
        person_page = client.get(pen_world["pen"].get_absolute_url()).content.decode()
        assert PEN_NAME in person_page  # the walker looked where the pen name is shown

    def test_structured_data_claims_nothing_beyond_the_pen_name(self, client, pen_world):
        html = client.get(pen_world["newsroom"]["public"].get_absolute_url()).content.decode()
        blocks = html.split('<script type="application/ld+json">')[1:]
        people = []
        for block in blocks:
            data = json.loads(block.split("</script>")[0])

            def collect(node):
                if isinstance(node, dict):
                    if node.get("@type") == "Person" and node.get("name") == PEN_NAME:
                        people.append(node)
                    for value in node.values():
                        collect(value)
                elif isinstance(node, list):
                    for value in node:
                        collect(value)

            collect(data)
        assert people
        for person in people:
            assert set(person) <= {"@type", "name", "url"}  # no sameAs, no real identifiers


class TestAdminWithoutThePermission:
    @pytest.mark.parametrize("role", ["Contributors", "Editors", "no role"])
    def test_no_admin_page_names_who_is_behind_the_pen_name(self, role, pen_world):
        user = (
            pen_world["contributor"]
            if role == "Contributors"
            else make_user(None if role == "no role" else role)
        )
        client = signed_in(user)
        found = walk_admin(client)
        assert not found["leaks"], found["leaks"][:10]
        assert not found["errors"], found["errors"][:10]
        assert found["ok"] > {"Editors": 40, "Contributors": 10, "no role": 0}[role]

    def test_editors_see_it_is_a_pen_name_and_no_way_to_the_record(self, pen_world):
        client = signed_in(make_user("Editors"))
        pen, sealed = pen_world["pen"], pen_world["sealed"]
        form = client.get(reverse("admin:articles_person_change", args=[pen.pk])).content.decode()
        checkbox = re.search(r'<input[^>]*name="is_pen_name"[^>]*>', form).group(0)
        assert "checked" in checkbox
        assert reverse("admin:articles_sealedidentity_change", args=[sealed.pk]) not in form
        assert "sealedidentity" not in form
        people = client.get(reverse("admin:articles_person_changelist")).content.decode()
        assert "Pen name" in people
        for url in (
            reverse("admin:articles_sealedidentity_changelist"),
            reverse("admin:articles_sealedidentity_change", args=[sealed.pk]),
            reverse("admin:articles_sealedidentity_history", args=[sealed.pk]),
        ):
            assert client.get(url).status_code in (302, 403, 404), url
        index = client.get(reverse("admin:index")).content.decode()
        assert "sealed" not in index.lower()

    def test_searching_people_by_the_real_name_finds_nobody(self, pen_world):
        client = signed_in(make_user("Editors"))
        change_url = reverse("admin:articles_person_change", args=[pen_world["pen"].pk])
        by_real = client.get(reverse("admin:articles_person_changelist"), {"q": "Zhanibek"})
        assert change_url not in by_real.content.decode()
        by_pen = client.get(reverse("admin:articles_person_changelist"), {"q": "Penname"})
        assert change_url in by_pen.content.decode()
        query = {"app_label": "articles", "model_name": "article", "field_name": "authors"}
        found = client.get(reverse("admin:autocomplete"), {**query, "term": "Zhanibek"}).json()
        assert found["results"] == []

    def test_an_editor_cannot_post_to_the_record_or_delete_it_with_the_person(self, pen_world):
        client = signed_in(make_user("Editors"))
        sealed = pen_world["sealed"]
        url = reverse("admin:articles_sealedidentity_change", args=[sealed.pk])
        assert client.post(url, {"real_name": "Overwritten"}).status_code in (302, 403, 404)
        delete = reverse("admin:articles_person_delete", args=[pen_world["pen"].pk])
        client.post(delete, {"post": "yes"})
        sealed.refresh_from_db()
        assert sealed.real_name == REAL_NAME and SealedIdentity.objects.filter(pk=sealed.pk)


class TestWithThePermission:
    def test_an_administrator_opens_the_record_and_the_opening_is_audited(
        self, administrator, pen_world
    ):
        client = signed_in(administrator)
        sealed, pen = pen_world["sealed"], pen_world["pen"]
        form = client.get(reverse("admin:articles_person_change", args=[pen.pk])).content.decode()
        record_url = reverse("admin:articles_sealedidentity_change", args=[sealed.pk])
        assert f'<a href="{record_url}">Open the sealed identity</a>' in form
        before = AuditEvent.objects.filter(action=AuditEvent.Action.IDENTITY_OPENED).count()
        html = client.get(record_url, REMOTE_ADDR="192.0.2.5").content.decode()
        assert REAL_NAME in html and CONTACT in html
        events = AuditEvent.objects.filter(action=AuditEvent.Action.IDENTITY_OPENED)
        assert events.count() == before + 1
        event = events.latest()
        assert event.user == administrator and PEN_NAME in event.detail
        assert "192.0.2.5" in event.detail and not has_canary(event.detail)
        # The audit list shows who opened it and when, never what it holds.
        audit_list = client.get(reverse("admin:articles_auditevent_changelist")).content.decode()
        assert "Opened a sealed identity" in audit_list and not has_canary(audit_list)

    def test_saving_the_record_is_audited_without_its_contents(self, pen_world, administrator):
        saved = AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_SEALED)
        assert saved.user == administrator and not has_canary(saved.detail)
        assert "updated" in SealedIdentity.objects.get().notes

    def test_everywhere_else_even_an_administrator_sees_only_the_pen_name(
        self, administrator, pen_world
    ):
        found = walk_admin(signed_in(administrator), skip={"articles_sealedidentity_change"})
        assert not found["leaks"], found["leaks"][:10]
        assert not found["errors"], found["errors"][:10]

    def test_the_record_is_not_followed_by_revisions(self, pen_world):
        assert not Version.objects.filter(serialized_data__icontains="canaryreal").exists()
        assert not Version.objects.filter(content_type__model="sealedidentity").exists()


def test_an_administrator_records_who_is_behind_a_new_pen_name(administrator):
    pen = make_person(name="New Penname", is_pen_name=True)
    client = signed_in(administrator)
    form = client.get(reverse("admin:articles_person_change", args=[pen.pk])).content.decode()
    add_url = f"{reverse('admin:articles_sealedidentity_add')}?person={pen.pk}"
    assert add_url in form and "Record who is behind this pen name" in form
    data = form_data(client.get(add_url), form_id="sealedidentity_form")
    assert data["person"] == str(pen.pk)
    data.update(real_name="Secret Person", contact="via the desk")
    assert client.post(add_url, data).status_code == 302
    record = SealedIdentity.objects.get(person=pen)
    assert (record.real_name, record.updated_by) == ("Secret Person", administrator)
    saved = AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_SEALED)
    assert "New Penname" in saved.detail and "Secret" not in saved.detail
