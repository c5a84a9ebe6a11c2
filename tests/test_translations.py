"""Translating in the admin, as editors do it through the browser's forms."""

import pytest
from django.urls import reverse

from articles.models import Article
from interviews.models import Interview

from .factories import make_article, make_interview, make_photo, make_project, make_user
from .formdata import form_data
from .workflow_helpers import admin_url, change_form, changelist_url, post_change

pytestmark = pytest.mark.django_db


def translate_url(piece, language):
    opts = piece.piece_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_translate", args=[piece.pk, language])


def test_translate_into_makes_a_linked_draft_with_the_structure(admin_client, admin_user):
    project = make_project(name="Water Project")
    source = make_article(title="Water and power", projects=[project], lead_photo=make_photo())
    source.regions.add("Kazakhstan")
    page = admin_client.get(admin_url(source)).content.decode()
    assert f'action="{translate_url(source, "ru")}"' in page  # the panel's buttons
    assert 'Translate into <span lang="ru">Русский</span>' in page
    response = admin_client.post(translate_url(source, "ru"))
    draft = Article.objects.get(language="ru")
    assert response.status_code == 302 and response.url == draft.admin_url()
    assert draft.translation_key == source.translation_key and draft.translated_from == source
    assert draft.status == Article.Status.DRAFT and draft.created_by == admin_user
    assert draft.lead_photo == source.lead_photo and list(draft.projects.all()) == [project]
    assert [t.name for t in draft.regions.all()] == ["Kazakhstan"]
    assert draft.body == "" and not draft.may_be_outdated
    # The draft's panel lists the source with its state; the source's lists the draft.
    assert "Water and power" in admin_client.get(draft.admin_url()).content.decode()
    assert draft.admin_url() in admin_client.get(admin_url(source)).content.decode()


def test_an_interview_translation_gets_one_empty_exchange_per_exchange(admin_client):
    source = make_interview(segments=3)
    admin_client.post(translate_url(source, "kk"))
    draft = Interview.objects.get(language="kk")
    assert draft.interviewee == source.interviewee
    segments = list(draft.segments.order_by("position"))
    assert [(s.position, s.question, s.answer) for s in segments] == [
        (1, "", ""),
        (2, "", ""),
        (3, "", ""),
    ]
    assert [s.asker_label for s in segments] == [s.asker_label for s in source.segments.all()]


def test_translating_twice_into_one_language_is_refused_and_changes_nothing(admin_client):
    source = make_article()
    admin_client.post(translate_url(source, "ru"))
    response = admin_client.post(translate_url(source, "ru"), follow=True)
    assert "already has a version in that language" in response.content.decode()
    assert Article.objects.filter(translation_key=source.translation_key).count() == 2
    assert admin_client.get(translate_url(source, "kk")).status_code == 405  # POST only
    assert admin_client.post(translate_url(source, "xx"), follow=True).status_code == 200
    assert Article.objects.filter(translation_key=source.translation_key).count() == 2


def test_a_reader_of_the_admin_without_add_rights_cannot_translate(client):
    source = make_article()
    viewer = make_user()  # staff, in no role: may not add pieces
    client.force_login(viewer)
    assert client.post(translate_url(source, "ru")).status_code in (302, 403)
    assert not Article.objects.filter(language="ru").exists()


def test_a_changed_source_flags_its_translation_until_the_translator_says_so(admin_client):
    source = make_article(title="Water and power", lead_photo=make_photo())
    admin_client.post(translate_url(source, "ru"))
    draft = Article.objects.get(language="ru")
    # Tags and status do not count; the text does.
    assert post_change(admin_client, source, kind="news").status_code == 302
    assert not Article.objects.get(pk=draft.pk).may_be_outdated
    assert post_change(admin_client, source, standfirst="A new standfirst").status_code == 302
    draft = Article.objects.select_related("translated_from").get(pk=draft.pk)
    assert draft.may_be_outdated
    listing = admin_client.get(changelist_url(), {"translation": "outdated"}).content.decode()
    assert "May be outdated" in listing and draft.admin_url() in listing
    form = admin_client.get(draft.admin_url()).content.decode()
    assert "This translation may be outdated" in form and 'name="mark_up_to_date"' in form
    data = change_form(admin_client, draft)
    data.update(title="Вода и энергия", mark_up_to_date="on")
    assert admin_client.post(draft.admin_url(), data, follow=True).redirect_chain
    assert not Article.objects.select_related("translated_from").get(pk=draft.pk).may_be_outdated
    assert (
        draft.admin_url()
        not in admin_client.get(changelist_url(), {"translation": "outdated"}).content.decode()
    )


def test_an_interviews_new_answer_flags_its_translation(admin_client):
    source = make_interview(segments=1)
    admin_client.post(translate_url(source, "ru"))
    source.segments.create(position=2, question="A new question?", answer="<p>Yes.</p>")
    assert Article.objects.select_related("translated_from").get(language="ru").may_be_outdated


def test_the_language_is_on_the_form_and_one_per_language_per_piece(admin_client):
    source = make_article(lead_photo=make_photo())
    admin_client.post(translate_url(source, "ru"))
    draft = Article.objects.get(language="ru")
    response = post_change(admin_client, draft, language="en")
    assert response.status_code == 200
    assert "is already this piece&#x27;s English version" in response.content.decode()
    assert Article.objects.get(pk=draft.pk).language == "ru"
    assert post_change(admin_client, draft, language="kk").status_code == 302
    assert Article.objects.get(pk=draft.pk).language == "kk"


def test_the_list_shows_and_filters_by_language(admin_client):
    make_article(title="English piece")
    make_article(title="Қазақ материалы", language="kk")
    html = admin_client.get(changelist_url(), {"language__exact": "kk"}).content.decode()
    assert "Қазақ материалы" in html and "English piece" not in html
    assert '<span lang="kk">Қазақша</span>' in html


@pytest.mark.parametrize(("accept", "save"), [("ru", "Сохранить"), ("kk", "Сақтау")])
def test_the_admin_speaks_the_editors_language(admin_client, accept, save):
    piece = make_article()
    html = admin_client.get(admin_url(piece), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert save in html
    assert f'<html lang="{accept}"' in html


def test_a_translator_sees_the_form_fields_the_browser_posts(admin_client):
    source = make_article()
    data = form_data(admin_client.get(admin_url(source)), "article_form")
    assert data["language"] == "en"


def test_the_article_list_costs_the_same_for_few_or_many_pieces(editor_client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_photo, make_programme

    url = reverse("admin:articles_article_changelist")

    def queries():
        editor_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert editor_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def pile(n):
        for _ in range(n):
            piece = make_article(programme=make_programme(), lead_photo=make_photo())
            piece.translate_into("ru", editor)  # a translation: its flag reads the source

    pile(1)
    few = queries()
    pile(15)
    assert queries() == few
