"""The interview form is built for interviews: who and the questions first, one exchange to
start, speaker labels filled in, compact questions, reordering, an editor that spellchecks."""

import html
import json
import re

import pytest
from django.urls import reverse

from interviews.models import Interview

from .factories import make_interview, make_person
from .formdata import form_data

pytestmark = pytest.mark.django_db


def test_interviewee_and_exchanges_come_before_the_introduction(editor_client):
    page = editor_client.get(reverse("admin:interviews_interview_add")).content.decode()
    order = [
        page.index(marker)
        for marker in (
            'id="id_title"',
            'id="id_interviewee"',
            'id="segments-group"',
            'id="id_body"',
            'id="id_status"',
            'id="related_links-group"',
        )
    ]
    assert order == sorted(order)
    assert page.count('id="segments-group"') == 1  # shown once, not again with the others


def test_a_new_interview_starts_with_one_labelled_exchange_and_saves_it(editor_client, settings):
    settings.KAZCMS_ORGANISATION = "IWPR"
    interviewee = make_person(name="Fiona MacLeod")
    url = reverse("admin:interviews_interview_add")
    response = editor_client.get(url)
    data = form_data(response, "interview_form")
    assert data["segments-TOTAL_FORMS"] == "1"
    assert data["segments-0-asker_label"] == "IWPR"
    assert data["segments-0-answerer_label"] == ""  # no interviewee chosen yet
    data.update(
        {
            "title": "What next for the steppe",
            "slug": "what-next-for-the-steppe",
            "interviewee": str(interviewee.pk),
            "segments-0-question": "Where does the money go?",
            "segments-0-answer": "<p>Mostly to roads.</p>",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    segment = Interview.objects.get(slug="what-next-for-the-steppe").segments.get()
    # The interviewee was chosen in the same form: the answer is labelled with the surname.
    assert (segment.asker_label, segment.answerer_label, segment.position) == (
        "IWPR",
        "MacLeod",
        1,
    )


def test_the_untouched_starting_exchange_is_not_saved(editor_client):
    url = reverse("admin:interviews_interview_add")
    data = form_data(editor_client.get(url), "interview_form")
    data.update({"title": "Only an introduction so far", "slug": "only-an-introduction"})
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Interview.objects.get(slug="only-an-introduction").segments.exists()


def test_added_exchanges_are_labelled_with_the_interviewees_surname(editor_client, settings):
    settings.KAZCMS_ORGANISATION = "IWPR"
    interview = make_interview(segments=2, interviewee=make_person(name="Aigerim Seitkali"))
    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    page = editor_client.get(url).content.decode()
    data = form_data(page, "interview_form")
    assert data["segments-TOTAL_FORMS"] == "2"  # no empty exchange once there are some
    # The template "Add another" copies carries the labels.
    empty = page[page.index('id="segments-empty"') :]
    assert re.search(r'name="segments-__prefix__-answerer_label"[^>]*value="Seitkali"', empty)
    assert re.search(r'name="segments-__prefix__-asker_label"[^>]*value="IWPR"', empty)


def test_questions_are_compact_and_the_form_loads_its_tools(editor_client):
    interview = make_interview(segments=1)
    page = editor_client.get(
        reverse("admin:interviews_interview_change", args=[interview.pk])
    ).content.decode()
    question = re.search(r'<textarea[^>]*name="segments-0-question"[^>]*>', page).group(0)
    assert 'rows="2"' in question and "segment-question" in question
    assert "articles/segment_order.js" in page and "articles/piece_editing.css" in page
    # The positions stay plain number fields: the order works without the script.
    assert re.search(r'<input[^>]*type="number"[^>]*name="segments-0-position"', page)


def test_the_rich_text_editor_leaves_spellcheck_on(editor_client):
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    configs = re.findall(r'data-django-prose-editor[a-z-]*="([^"]*)"', page)
    assert configs
    for raw in configs:
        extensions = json.loads(html.unescape(raw))["extensions"]
        assert "Bold" in extensions and "NoSpellCheck" not in extensions
