import pytest
from django.urls import reverse

from interviews.models import Interview

pytestmark = pytest.mark.django_db


def interview_post(segments):
    data = {
        "title": "Borders and Trade",
        "slug": "",
        "standfirst": "",
        "interviewee_role": "",
        "body": "<p>Intro.</p>",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "segments-TOTAL_FORMS": str(len(segments)),
        "segments-INITIAL_FORMS": "0",
        "segments-MIN_NUM_FORMS": "0",
        "segments-MAX_NUM_FORMS": "1000",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for n, (position, question) in enumerate(segments):
        data.update(
            {
                f"segments-{n}-position": str(position),
                f"segments-{n}-asker_label": "",
                f"segments-{n}-answerer_label": "",
                f"segments-{n}-question": question,
                f"segments-{n}-answer": f"<p>Answer to {question}</p>",
            }
        )
    return data


def test_new_segments_left_at_position_zero_are_numbered_in_order(editor_client):
    response = editor_client.post(
        reverse("admin:interviews_interview_add"),
        interview_post([(0, "First?"), (0, "Second?"), (0, "Third?")]),
    )
    assert response.status_code == 302, response.context["errors"]
    interview = Interview.objects.get()
    assert list(interview.segments.values_list("position", "question")) == [
        (1, "First?"),
        (2, "Second?"),
        (3, "Third?"),
    ]


def test_two_segments_given_the_same_position_are_refused(editor_client):
    response = editor_client.post(
        reverse("admin:interviews_interview_add"),
        interview_post([(2, "First?"), (2, "Second?")]),
    )
    assert response.status_code == 200
    assert "Two segments have position 2" in response.content.decode()
    assert not Interview.objects.exists()
