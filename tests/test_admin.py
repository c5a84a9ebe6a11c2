import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEvent, Photo, Region, Topic
from articles.publishing import transitions
from interviews.models import Interview

from .factories import image_upload, make_article, make_interview, make_person, make_photo
from .formdata import form_data

pytestmark = pytest.mark.django_db


def admin_form(client, url, form_id):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), form_id)


def segment_data(data, segments):
    data.update(
        {
            "segments-TOTAL_FORMS": str(len(segments)),
            "segments-INITIAL_FORMS": data.get("segments-INITIAL_FORMS", "0"),
        }
    )
    for i, (position, question, answer, asker, answerer) in enumerate(segments):
        data.update(
            {
                f"segments-{i}-position": str(position),
                f"segments-{i}-question": question,
                f"segments-{i}-answer": answer,
                f"segments-{i}-asker_label": asker,
                f"segments-{i}-answerer_label": answerer,
            }
        )
    return data


def test_editor_builds_and_publishes_an_interview_that_readers_see(editor_client, client):
    photographer = make_person(name="Andrei Grishin")
    interviewee = make_person(name="John Analyst", role="Now retired")
    region = Region.objects.create(name="Kazakhstan")
    topic = Topic.objects.create(name="Security")

    # 1. Upload a credited photo through the photo library form.
    data = admin_form(editor_client, reverse("admin:articles_photo_add"), "photo_form")
    data.update(
        caption="Kazak police",
        alt_text="Police officers standing in a line",
        credit_person=str(photographer.pk),
        image=image_upload("../../etc/полиция.jpg"),
    )
    response = editor_client.post(reverse("admin:articles_photo_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert photo.original_filename == "полиция.jpg" and ".." not in photo.image.name

    # 2. Write the interview with three segments, as a draft.
    add_url = reverse("admin:interviews_interview_add")
    data = admin_form(editor_client, add_url, "interview_form")
    data.update(
        title="What Next After the Shootings?",
        standfirst="The state must tackle specific risks.",
        body="<p>Intro paragraph.</p><script>alert(1)</script>",
        interviewee=str(interviewee.pk),
        interviewee_role="senior analyst at a risk consultancy",
        lead_photo=str(photo.pk),
        regions=[str(region.pk)],
        topics=[str(topic.pk)],
        status="draft",
    )
    segment_data(
        data,
        [
            (1, "How prepared are the police?", "<p>Cautious answer.</p>", "IWPR", "MacLeod"),
            (2, "Is the explanation plausible?", "<p>Probably.</p>", "", ""),
            (3, "A long-term threat?", "<p>Hard to say.</p><p onmouseover=alert(1)>x</p>", "", ""),
        ],
    )
    response = editor_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    interview = Interview.objects.get()
    assert interview.kind == Article.Kind.INTERVIEW
    assert [s.question[:6] for s in interview.segments.all()] == ["How pr", "Is the", "A long"]
    assert "script" not in interview.body and "onmouseover" not in interview.segments.last().answer
    assert set(interview.regions.names()) == {"Kazakhstan"}
    assert client.get(interview.get_absolute_url()).status_code == 404  # still a draft

    # 3. Publish it from the same form.
    change_url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = admin_form(editor_client, change_url, "interview_form")
    data["status"] = "published"
    response = editor_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    interview.refresh_from_db()
    assert interview.published_at is not None
    assert interview.segments.count() == 3  # the inline round-trip kept every segment

    html = client.get(interview.get_absolute_url()).content.decode()
    assert "What Next After the Shootings?" in html
    assert "Kazak police. (Photo: " in html and "Andrei Grishin</a>)" in html
    assert '<span class="speaker">IWPR:</span>' in html
    assert "senior analyst at a risk consultancy" in html
    assert "What Next After the Shootings?" in client.get(reverse("home")).content.decode()


def test_segments_can_be_reordered_by_swapping_positions(editor_client):
    interview = make_interview(segments=2, status="draft", published_at=None)
    change_url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = admin_form(editor_client, change_url, "interview_form")
    data["segments-0-position"], data["segments-1-position"] = "2", "1"
    response = editor_client.post(change_url, data)
    assert response.status_code == 302
    assert [s.question for s in interview.segments.order_by("position")] == [
        "Question 2?",
        "Question 1?",
    ]


def test_duplicate_segment_positions_are_refused_and_input_kept(editor_client):
    interview = make_interview(segments=0)
    change_url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = admin_form(editor_client, change_url, "interview_form")
    segment_data(data, [(1, "First?", "<p>a</p>", "", ""), (1, "Second?", "<p>b</p>", "", "")])
    response = editor_client.post(change_url, data)
    assert response.status_code == 200
    assert "Two segments have position 1" in response.content.decode()
    assert "Second?" in response.content.decode()  # nothing the editor typed is lost
    assert interview.segments.count() == 0


def test_new_segments_without_position_go_to_the_end(editor_client):
    interview = make_interview(segments=2, status="draft", published_at=None)
    change_url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = admin_form(editor_client, change_url, "interview_form")
    data.update(
        {
            "segments-TOTAL_FORMS": "3",
            "segments-2-position": "0",
            "segments-2-question": "Appended?",
            "segments-2-answer": "<p>Yes.</p>",
        }
    )
    assert editor_client.post(change_url, data).status_code == 302
    assert interview.segments.order_by("position").last().question == "Appended?"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"this is not an image", "Upload a JPEG, PNG or WebP photo"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG drawings are not"),
    ],
)
def test_photo_upload_refuses_non_images(editor_client, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = admin_form(editor_client, reverse("admin:articles_photo_add"), "photo_form")
    data["image"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    data["caption"] = "Kept caption"
    response = editor_client.post(reverse("admin:articles_photo_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Kept caption" in html
    assert Photo.objects.count() == 0


def test_photo_upload_refuses_gif(editor_client):
    data = admin_form(editor_client, reverse("admin:articles_photo_add"), "photo_form")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import image_bytes

    data["image"] = SimpleUploadedFile("a.gif", image_bytes(fmt="GIF"), content_type="image/gif")
    response = editor_client.post(reverse("admin:articles_photo_add"), data)
    assert "Upload a JPEG, PNG or WebP photo" in response.content.decode()
    assert Photo.objects.count() == 0


def test_publishing_with_photo_lacking_alt_text_says_what_to_fix(editor_client):
    photo = make_photo(alt_text="", caption="Market")
    add_url = reverse("admin:articles_article_add")
    data = admin_form(editor_client, add_url, "article_form")
    data.update(title="A piece", lead_photo=str(photo.pk), status="published", kind="analysis")
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert "The lead photo “Market” has no alt text" in response.content.decode()
    assert Article.objects.count() == 0


def test_changelist_filters_search_and_thumbnails(editor_client):
    region = Region.objects.create(name="Kyrgyzstan")
    make_article(title="Tagged piece", regions=[region], lead_photo=make_photo())
    make_article(title="Other piece")
    url = reverse("admin:articles_article_changelist")
    html = editor_client.get(url, {"regions__id__exact": region.pk}).content.decode()
    assert "Tagged piece" in html and "Other piece" not in html and "<img" in html
    html = editor_client.get(url, {"q": "Other"}).content.decode()
    assert "Other piece" in html and "Tagged piece" not in html
    for params in ({"status__exact": "draft"}, {"kind__exact": "news"}, {"o": "4"}):
        assert editor_client.get(url, params).status_code == 200


def test_tag_autocomplete_answers_from_the_vocabulary(editor_client):
    Region.objects.create(name="Tajikistan")
    Region.objects.create(name="Kazakhstan")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "Taj", "app_label": "articles", "model_name": "article", "field_name": "regions"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Tajikistan"]


def test_interview_opened_from_article_list_goes_to_interview_form(editor_client):
    interview = make_interview()
    response = editor_client.get(reverse("admin:articles_article_change", args=[interview.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:interviews_interview_change", args=[interview.pk])


def test_photo_in_use_cannot_be_deleted(editor_client):
    photo = make_photo()
    make_article(lead_photo=photo, title="Uses the photo")
    url = reverse("admin:articles_photo_delete", args=[photo.pk])
    response = editor_client.post(url, {"post": "yes"}, follow=True)
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert "“Uses the photo”" in response.content.decode()


def test_publication_time_is_entered_in_newsroom_time(editor_client, settings):
    settings.TIME_ZONE = "Asia/Almaty"
    add_url = reverse("admin:articles_article_add")
    data = admin_form(editor_client, add_url, "article_form")
    data.update(
        title="Timed",
        standfirst="A piece with a time.",
        lead_photo=str(make_photo().pk),
        status="published",
        kind="news",
        published_at_0="2026-01-10",
        published_at_1="09:00:00",
    )
    assert editor_client.post(add_url, data).status_code == 302
    published = Article.objects.get().published_at
    assert timezone.localtime(published).hour == 9
    assert published.utcoffset().total_seconds() == 0 and published.hour == 4  # stored UTC
    assert "Asia/Almaty" in editor_client.get(add_url).content.decode()


def test_site_settings_are_editable_and_shown(editor_client, client):
    response = editor_client.get(reverse("admin:articles_sitesettings_changelist"))
    assert response.status_code == 302
    data = admin_form(editor_client, response["Location"], "sitesettings_form")
    data.update(
        donate_title="Give today",
        donate_url="https://example.org/give",
        footer_text="Registered charity 12345",
    )
    assert editor_client.post(response["Location"], data).status_code == 302
    make_article()
    html = client.get(reverse("home")).content.decode()
    assert "<h2>Give today</h2>" in html and 'href="https://example.org/give"' in html
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert "<p>Registered charity 12345</p>" in footer
    assert "Registered charity 12345" in client.get(reverse("articles:search")).content.decode()


def test_several_new_segments_left_at_zero_are_appended_in_order(editor_client):
    interview = make_interview(segments=0, status="draft", published_at=None)
    change_url = reverse("admin:interviews_interview_change", args=[interview.pk])
    data = admin_form(editor_client, change_url, "interview_form")
    segment_data(data, [(0, "First?", "<p>a</p>", "", ""), (0, "Second?", "<p>b</p>", "", "")])
    assert editor_client.post(change_url, data).status_code == 302
    assert list(interview.segments.values_list("position", "question")) == [
        (1, "First?"),
        (2, "Second?"),
    ]


def test_admin_mixins_leave_templates_to_djangos_per_model_lookup():
    # A mixin naming a template makes features depend on the order of the mixins (the one
    # named last silently wins); each model's own admin/<app>/<model>/*.html composes the
    # partials instead.
    named = [
        f"{cls.__qualname__}.{name}"
        for model_admin in admin.site._registry.values()
        for cls in type(model_admin).__mro__[1:]
        if not cls.__module__.startswith("django.")
        for name, value in vars(cls).items()
        if name.endswith("_template") and value is not None
    ]
    assert named == []


@pytest.mark.parametrize("make", [make_article, make_interview])
def test_piece_forms_link_revisions_and_preview_and_show_the_audit_trail(editor_client, make):
    piece = make(title="Linked piece")
    transitions.record(piece, AuditEvent.Action.CREATED, None, "AUDITCANARY")
    html = editor_client.get(piece.admin_url()).content.decode()
    assert f'href="{piece.admin_url("revisions")}"' in html
    assert f'href="{reverse("articles:preview", args=[piece.pk])}"' in html
    assert 'id="audit-trail"' in html and "AUDITCANARY" in html


def test_only_the_article_list_offers_exports(editor_client):
    make_article()
    make_interview()
    articles = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'href="{reverse("admin:articles_article_export", args=["csv"])}' in articles
    interviews = editor_client.get(reverse("admin:interviews_interview_changelist"))
    assert "/export/" not in interviews.content.decode()


def test_the_article_list_counts_right_after_each_change_and_reads_no_bodies(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:articles_article_changelist")
    make_article(title="One")
    make_article(title="Two")
    assert "2 articles" in editor_client.get(url).content.decode()
    assert "2 articles" in editor_client.get(url).content.decode()  # the kept count
    make_article(title="Three")
    assert "3 articles" in editor_client.get(url).content.decode()
    assert "1 article" in editor_client.get(url + "?q=Three").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        editor_client.get(url)
    assert not [q for q in ctx.captured_queries if '"articles_article"."body"' in q["sql"]]
