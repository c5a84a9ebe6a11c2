"""Findings from using the site: each would have lost work, leaked or misled, and must not again."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEvent, Correction, Person, Photo

from .factories import (
    make_article,
    make_draft,
    make_interview,
    make_newsroom,
    make_person,
    make_photo,
    make_project,
    make_ready_draft,
    make_user,
)
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
        html = client.get("/en/search/", {"q": word}).content.decode()
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
        pages = [
            desk_client.get(url) for url in ("/en/", "/en/articles/", "/admin/articles/article/")
        ]
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


@pytest.mark.parametrize(
    "path", ["/en/articles/%00/", "/en/people/a%00b/feed/", "/en/interviews/%01x/"]
)
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


# --- finding 9: numbers read from a request are ASCII digits or nothing -------------------


@pytest.mark.parametrize("page", ["²", "①", "٣", "1²", "0", "-1", "9" * 40])
@pytest.mark.parametrize(
    "name, kwargs", [("articles:list", {}), ("articles:search", {}), ("articles:region", None)]
)
def test_a_page_number_in_other_digits_is_a_404_not_a_500(client, name, kwargs, page):
    newsroom = make_newsroom(hidden=False)
    if kwargs is None:
        kwargs = {"slug": newsroom["region"].slug}
    client.raise_request_exception = False
    response = client.get(reverse(name, kwargs=kwargs), {"page": page, "q": "piece"})
    assert response.status_code == 404


def test_an_edit_token_in_other_digits_is_a_stale_form_not_a_500(desk_client):
    piece = make_article(lead_photo=make_photo(renditions=False))
    desk_client.raise_request_exception = False
    response = post_change(desk_client, piece, title="Typed meanwhile", edit_token="²")
    assert response.status_code == 200
    assert "Your changes have NOT been saved" in response.content.decode()
    assert "Typed meanwhile" in response.content.decode()


# --- finding 16: machine-readable times are whole seconds ----------------------------------

ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def test_every_time_element_carries_a_valid_time_to_the_second(client):
    piece = make_article(lead_photo=make_photo(renditions=False))
    # A time with microseconds, as a bulk update or an import stores it.
    moment = timezone.now().replace(microsecond=123456) - timedelta(hours=1)
    Article.objects.filter(pk=piece.pk).update(published_at=moment)
    Correction.objects.create(piece=piece, text="A fix.", noted_at=moment)
    pages = [reverse("home"), reverse("articles:list"), piece.get_absolute_url()]
    pages.append(reverse("articles:search") + "?q=article")
    found = []
    for url in pages:
        found += re.findall(r'<time datetime="([^"]*)"', client.get(url).content.decode())
    assert len(found) >= 5
    assert all(ISO_SECONDS.match(value) for value in found), found


# --- finding 14: the CSVs people download open right in Excel ------------------------------


def test_the_admin_article_csv_starts_with_a_byte_order_mark(editor_client):
    make_article(title="Қазақстан: жер реформасы")
    response = editor_client.get(reverse("admin:articles_article_export", args=["csv"]))
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Қазақстан: жер реформасы" in raw.decode("utf-8-sig")


# --- finding 12: an interview is published with someone answering something ---------------


def interview_admin_post(client, interview, **changes):
    from .formdata import form_data

    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = form_data(client.get(url), "interview_form")
    data.update({"_save": "Save", **changes})
    return client.post(url, data)


def test_an_interview_without_interviewee_or_answers_cannot_be_published(desk_client):
    from interviews.models import Interview

    bare = make_ready_draft(model=Interview, interviewee=None)
    response = interview_admin_post(desk_client, bare, status="published")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose the interviewee" in html
    assert "Add at least one question with its answer." in html
    assert Interview.objects.get(pk=bare.pk).status == "draft"
    # Nor through the list's publish action.
    run_action(desk_client, "publish_pieces", [bare], "interviews.interview")
    assert Interview.objects.get(pk=bare.pk).status == "draft"


def test_an_interview_with_questions_added_in_the_same_save_is_published(desk_client):
    from interviews.models import Interview

    draft = make_ready_draft(model=Interview, interviewee=make_person())
    response = interview_admin_post(
        desk_client,
        draft,
        status="published",
        **{
            "segments-TOTAL_FORMS": "1",
            "segments-0-position": "1",
            "segments-0-question": "Why now?",
            "segments-0-answer": "<p>Because the rains failed.</p>",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Interview.objects.get(pk=draft.pk).status == "published"


# --- finding 11: excluding a word leaves out the pieces that have it -----------------------


def test_a_minus_word_leaves_out_the_pieces_with_that_word(client):
    make_article(title="Police report on shootings in Almaty")
    make_article(title="Police reform bill passes")
    response = client.get(reverse("articles:search"), {"q": "police -shooting"})
    titles = [piece.title for piece in response.context["page"].object_list]
    assert titles == ["Police reform bill passes"]
    response = client.get(reverse("articles:search"), {"q": 'police -"reform bill"'})
    titles = [piece.title for piece in response.context["page"].object_list]
    assert titles == ["Police report on shootings in Almaty"]


# --- finding 1: every admin save and every restore keeps all relations ---------------------


def relations(piece):
    piece = type(piece).objects.get(pk=piece.pk)
    found = {
        "title": piece.title,
        "authors": sorted(p.name for p in piece.authors.all()),
        "projects": sorted(p.name for p in piece.projects.all()),
        "regions": sorted(r.name for r in piece.regions.all()),
        "topics": sorted(t.name for t in piece.topics.all()),
        "related": [link.to_article.title for link in piece.related_links.all()],
    }
    if hasattr(piece, "segments"):
        found["segments"] = list(piece.segments.values_list("question", flat=True))
    return found


def latest_version(piece):
    from articles.publishing import revisions

    return revisions.versions_of(piece).first()


@pytest.mark.parametrize("model_label", ["articles.article", "interviews.interview"])
def test_restoring_the_first_or_a_later_revision_keeps_every_relation(desk_client, model_label):
    from articles.models import Region, Topic

    from .formdata import form_data
    from .workflow_helpers import admin_url

    app, model = model_label.split(".")
    first, second = make_person(name="First Author"), make_person(name="Second Author")
    p1, p2 = make_project(name="First Project"), make_project(name="Second Project")
    almaty, bishkek = Region.objects.create(name="Almaty"), Region.objects.create(name="Bishkek")
    security = Topic.objects.create(name="Security")
    linked = make_article(title="Linked piece")
    add_url = reverse(f"admin:{app}_{model}_add")
    data = form_data(desk_client.get(add_url), f"{model}_form")
    data.update(
        {
            "_save": "Save",
            "title": "First title",
            "standfirst": "First standfirst",
            "body": "<p>First body.</p>",
            "authors": [str(first.pk)],
            "projects": [str(p1.pk)],
            "regions": [str(almaty.pk)],
            "topics": [str(security.pk)],
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-to_article": str(linked.pk),
            "related_links-0-position": "1",
        }
    )
    if model == "interview":
        data.update(
            {
                "interviewee": str(make_person(name="The Interviewee").pk),
                "segments-TOTAL_FORMS": "1",
                "segments-0-position": "1",
                "segments-0-question": "First question?",
                "segments-0-answer": "<p>First answer.</p>",
            }
        )
    response = desk_client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    piece = Article.objects.get(title="First title").specific()
    as_added = relations(piece)
    assert as_added["authors"] == ["First Author"] and as_added["projects"] == ["First Project"]
    added = latest_version(piece)

    changes = {
        "title": "Second title",
        "authors": [str(second.pk)],
        "projects": [str(p2.pk)],
        "regions": [str(bishkek.pk)],
        "topics": [],
        "related_links-0-DELETE": "on",
    }
    if model == "interview":
        changes["segments-0-question"] = "Second question?"
    assert post_change(desk_client, piece, **changes).status_code == 302
    as_changed, changed = relations(piece), latest_version(piece)
    assert post_change(desk_client, piece, title="Third title").status_code == 302

    for version, expected in ((added, as_added), (changed, as_changed)):
        url = reverse(f"admin:{app}_{model}_restore", args=[piece.pk, version.pk])
        response = desk_client.post(url)
        assert response.status_code == 302
        assert response["Location"] == admin_url(piece)
        assert relations(piece) == expected


def test_the_stale_edit_panel_lists_only_what_was_changed(desk_client):
    from django.test import Client

    from .formdata import form_data
    from .workflow_helpers import change_form

    author, project = make_person(name="Kept Author"), make_project(name="Kept Project")
    add_url = reverse("admin:interviews_interview_add")
    data = form_data(desk_client.get(add_url), "interview_form")
    data.update(
        {
            "_save": "Save",
            "title": "Added title",
            "authors": [str(author.pk)],
            "projects": [str(project.pk)],
        }
    )
    assert desk_client.post(add_url, data).status_code == 302
    interview = Article.objects.get(title="Added title").specific()
    stale = change_form(desk_client, interview)  # opened at the revision made on adding
    other = Client()
    other.force_login(make_user("Editors"))
    assert post_change(other, interview, title="Their title").status_code == 302
    stale["title"] = "My title"
    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    response = desk_client.post(url, stale)
    assert response.status_code == 200
    since = dict(response.context["adminform"].form.conflict["since"])
    assert "Title" in since
    assert "Authors" not in since and "Funding projects" not in since
    assert Article.objects.get(pk=interview.pk).title == "Their title"


# --- finding 6: a person has a page only while they have a public role ---------------------


def person_addresses(person):
    return [
        reverse("articles:person", args=[person.slug]),
        reverse("articles:person_feed", args=[person.slug]),
        reverse("articles:person_atom", args=[person.slug]),
    ]


def test_a_person_named_only_in_a_draft_or_nowhere_has_no_page_or_feed(client):

    source = make_person(name="Confidential Source", role="Ministry insider")
    make_draft(authors=[source])
    interviewee = make_person(name="Draft Interviewee")
    make_interview(interviewee=interviewee, status="draft", published_at=None)
    nobody = make_person(name="Nobody Yet")
    scheduled = make_person(name="Scheduled Author")
    make_article(authors=[scheduled], published_at=timezone.now() + timedelta(days=1))
    for person in (source, interviewee, nobody, scheduled):
        for url in person_addresses(person):
            assert client.get(url).status_code == 404, url
    sitemap = client.get(reverse("sitemaps:section", args=["people"])).content.decode()
    assert "confidential-source" not in sitemap and "nobody-yet" not in sitemap
    assert "draft-interviewee" not in sitemap


def test_authors_interviewees_and_photographers_of_published_pieces_have_pages(client):
    author, interviewee, photographer = (
        make_person(name="Public Author"),
        make_person(name="Public Interviewee"),
        make_person(name="Public Photographer"),
    )
    make_article(authors=[author], lead_photo=make_photo(credit_person=photographer))
    make_interview(interviewee=interviewee)
    sitemap = client.get(reverse("sitemaps:section", args=["people"])).content.decode()
    for person in (author, interviewee, photographer):
        for url in person_addresses(person):
            assert client.get(url).status_code == 200, url
        assert person.get_absolute_url() in sitemap


# --- finding 7: the photo library shows a contributor only the pieces they may see ---------


def test_a_contributor_sees_no_other_peoples_drafts_under_lead_photo_of(contributor_client):

    contributor = make_user("Contributors")
    photo = make_photo(renditions=False)
    make_draft(title="Someone else's secret draft", lead_photo=photo)
    mine = make_draft(title="My own draft", lead_photo=photo, created_by=contributor)
    contributor_client.force_login(contributor)
    html = contributor_client.get(reverse("admin:articles_photo_change", args=[photo.pk]))
    html = html.content.decode()
    assert "My own draft" in html and mine.get_status_display() in html
    assert "secret draft" not in html
    assert "1 other piece(s) you cannot open" in html


# --- finding 15: what leaves the site points at a rendition; funding is a grant ------------


def json_ld_of(html):
    import json

    (payload,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {node["@type"]: node for node in json.loads(payload)["@graph"]}


def test_feeds_and_json_ld_point_at_a_rendition_not_the_original(client):
    from .factories import image_upload

    photo = make_photo(credit_text="Daniyar Photographer")
    photo.image.save("big.jpg", image_upload(size=(2400, 1600)))  # renditions rebuilt
    piece = make_article(lead_photo=photo)
    original = photo.image.url
    for name in ("articles:feed", "articles:atom"):
        xml = client.get(reverse(name)).content.decode()
        assert "media:content" in xml
        assert original not in xml, name
        assert 'width="1600"' in xml
    image = json_ld_of(client.get(piece.get_absolute_url()).content.decode())[
        "AnalysisNewsArticle"
    ]["image"]
    assert original not in image["url"] and original not in image["contentUrl"]
    assert (image["width"], image["height"]) == (1600, 1067)
    assert image["creator"] == {"@type": "Person", "name": "Daniyar Photographer"}


def test_json_ld_names_the_funding_as_a_monetary_grant_of_its_funders(client):
    newsroom = make_newsroom(hidden=False, project="Bridging Divides")
    piece = json_ld_of(client.get(newsroom["public"].get_absolute_url()).content.decode())
    (grant,) = piece["AnalysisNewsArticle"]["funding"]
    assert grant["@type"] == "MonetaryGrant" and grant["name"] == "Bridging Divides"
    assert grant["url"].endswith(newsroom["project"].get_absolute_url())
    assert grant["funder"] == [
        {
            "@type": "Organization",
            "name": newsroom["funder"].name,
            "url": "http://testserver" + newsroom["funder"].get_absolute_url(),
        }
    ]


# --- finding 5: the editor is told when the saved web address is not the one typed ---------


def test_a_slug_saved_differently_from_the_one_proposed_is_announced(editor_client):
    from .formdata import form_data

    url = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(url), "article_form")
    # What the admin's prepopulated-field script proposes for a Kazakh title: the same letters.
    data.update(
        {"_save": "Save", "title": "Қазақстан жаңалықтары", "slug": "қазақстан-жаңалықтары"}
    )
    response = editor_client.post(url, data, follow=True)
    piece = Article.objects.get(title="Қазақстан жаңалықтары")
    assert piece.slug == "qazaqstan-zhanalyqtary"
    html = response.content.decode()
    assert "The web address was saved as “qazaqstan-zhanalyqtary”" in html
    assert "not “қазақстан-жаңалықтары” as typed" in html


def test_a_person_slug_made_from_the_name_is_announced_and_a_kept_one_is_not(editor_client):
    from .formdata import form_data

    url = reverse("admin:articles_person_add")
    data = form_data(editor_client.get(url), "person_form")
    data.update({"_save": "Save", "name": "Айгерим Нурланова", "slug": ""})
    html = editor_client.post(url, data, follow=True).content.decode()
    assert "The web address was made from the name: “aygerim-nurlanova”." in html
    person = Person.objects.get(name="Айгерим Нурланова")
    change = reverse("admin:articles_person_change", args=[person.pk])
    data = form_data(editor_client.get(change), "person_form")
    data.update({"_save": "Save", "role": "Analyst"})
    html = editor_client.post(change, data, follow=True).content.decode()
    assert "web address" not in html


# --- finding 2: limits real pieces fit in; beyond them a page says what to shorten ---------


def test_an_interview_of_300_questions_and_a_20_mb_body_are_saved(desk_client):
    from interviews.models import Interview

    interview = make_interview(segments=300, lead_photo=make_photo(renditions=False))
    long_body = "<p>" + "Long testimony. " * (20 * 1024 * 1024 // 16) + "</p>"
    response = interview_admin_post(desk_client, interview, body=long_body, title="Kept")
    assert response.status_code == 302, response.status_code
    assert Interview.objects.get(pk=interview.pk).title == "Kept"
    assert Interview.objects.get(pk=interview.pk).segments.count() == 300


def test_a_form_past_the_limits_gets_a_page_saying_what_to_shorten(desk_client, settings):
    interview = make_interview(lead_photo=make_photo(renditions=False))
    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    desk_client.raise_request_exception = False
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    response = desk_client.post(url, {f"field{n}": "x" for n in range(60)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your change was not saved" in html and "split the interview" in html
    assert "Restore unsaved changes" in html
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = desk_client.post(url, {"body": "x" * 5000})
    assert response.status_code == 413
    assert "delete pasted images" in response.content.decode()


@pytest.mark.parametrize(
    "image",
    ['<img src="data:image/png;base64,iVBORw0KGgo=">', '<img src="https://x.example/a.jpg">'],
)
def test_an_image_in_the_text_is_refused_with_a_message_not_dropped(desk_client, image):
    piece = make_article(lead_photo=make_photo(renditions=False), body="<p>Before.</p>")
    body = f"<p>Words the editor typed.</p>{image}<p>More words.</p>"
    response = post_change(desk_client, piece, body=body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "which the text cannot keep" in html and "Nothing was saved" in html
    assert "Words the editor typed." in html  # the input is still in the form
    assert Article.objects.get(pk=piece.pk).body == "<p>Before.</p>"


# --- finding 3 (storage): an upload the storage cannot take is a form error, input kept -----


def test_a_photo_upload_to_an_unwritable_media_folder_keeps_the_form(
    editor_client, settings, tmp_path
):
    from .factories import image_bytes
    from .formdata import form_data

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the media folder's parent should be")
    settings.MEDIA_ROOT = blocker / "media"  # every write fails: NotADirectoryError
    url = reverse("admin:articles_photo_add")
    data = form_data(editor_client.get(url), "photo_form")
    data.update(
        {
            "_save": "Save",
            "caption": "Market day in Osh",
            "alt_text": "Stalls of melons under awnings",
            "credit_text": "Staff photographer",
            "image": SimpleUploadedFile("osh.jpg", image_bytes(), content_type="image/jpeg"),
        }
    )
    editor_client.raise_request_exception = False
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The photo could not be stored" in html
    assert "Market day in Osh" in html and "Stalls of melons under awnings" in html
    assert not Photo.objects.exists()


def test_the_slug_script_transliterates_with_the_servers_own_table():
    # static/kazcms/slug_latin.js proposes slugs while typing; it must agree with slugify_text.
    import json
    from pathlib import Path

    from django.conf import settings

    from articles import text

    script = (Path(settings.BASE_DIR) / "static/kazcms/slug_latin.js").read_text()
    table = json.loads(re.search(r"var CYRILLIC = (\{.*?\});", script).group(1))
    assert table == text._CYRILLIC
