"""A person's page says what they did in public: interviews with them (their role at the
time), pieces by them, photographs by them; a ProfilePage in JSON-LD."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_article, make_interview, make_person, make_photo

pytestmark = pytest.mark.django_db


def kicker(html):
    return re.search(
        r'<header class="listing-header">\s*<p class="kicker">([^<]*)</p>', html
    ).group(1)


def profile(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    (page,) = [json.loads(b) for b in blocks if '"ProfilePage"' in b]
    return page


def test_an_interviewee_has_interviews_with_them_not_an_empty_author_page(client):
    analyst = make_person(name="Helen Carrow", role="Consultant")
    make_interview(
        title="After the shootings", interviewee=analyst, interviewee_role="senior analyst"
    )
    make_interview(title="Unpublished talk", interviewee=analyst, status="draft", published_at=None)
    html = client.get(analyst.get_absolute_url()).content.decode()
    assert kicker(html) == "Interviewee"
    section = re.search(r'<section class="person-section".*?</section>', html, re.S).group(0)
    assert "<h2" in section and "Interviews with Helen Carrow" in section
    assert "After the shootings" in section and "Unpublished talk" not in html
    assert "As senior analyst, at the time of the interview." in section
    assert "Nothing has been published here yet" not in html
    assert ">By Helen Carrow<" not in html  # no authored pieces, no such section


def test_roles_add_up_for_an_author_who_also_photographs(client):
    person = make_person(name="Dana Omar")
    make_article(title="Her report", authors=[person])
    make_article(title="Someone's piece", lead_photo=make_photo(credit_person=person))
    html = client.get(person.get_absolute_url()).content.decode()
    assert kicker(html) == "Author · Photographer"
    assert "<h2>By Dana Omar</h2>" in html and "Photographs by Dana Omar" in html


def test_photo_uses_in_other_editions_say_their_language(client):
    person = make_person(name="Dana Omar")
    photo = make_photo(credit_person=person)
    english = make_article(title="Her photo in English", lead_photo=photo)
    russian = make_article(title="Её фото по-русски", lead_photo=photo, language="ru", slug="foto")
    html = client.get(f"/ru{person.get_absolute_url()[3:]}").content.decode()
    used = re.search(r'<p class="used-in">.*?</p>', html, re.S).group(0)
    assert f'<a href="{russian.get_absolute_url()}">Её фото по-русски</a>' in used
    assert (
        f'<a href="{english.get_absolute_url()}" hreflang="en" lang="en">Her photo in English</a>'
    ) in used


def test_the_page_is_a_profile_page_in_json_ld(client):
    person = make_person(name="Timur Bekov", role="Bureau chief")
    make_article(authors=[person])
    page = profile(client.get(person.get_absolute_url()).content.decode())
    assert page["@type"] == "ProfilePage"
    assert page["mainEntity"] == {
        "@type": "Person",
        "name": "Timur Bekov",
        "url": f"http://testserver{person.get_absolute_url()}",
        "description": "Bureau chief",
    }


def test_a_pen_name_profile_says_nothing_more_than_the_name(client):
    pen = make_person(name="Saule Tau", role="Writer in the west", is_pen_name=True)
    make_article(authors=[pen])
    entity = profile(client.get(pen.get_absolute_url()).content.decode())["mainEntity"]
    assert set(entity) == {"@type", "name", "url"}


def test_sections_cost_the_same_for_one_interview_or_ten(client):
    def queries(person):
        client.get(person.get_absolute_url())  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            client.get(person.get_absolute_url())
        return len(captured)

    few, many = make_person(), make_person()
    make_interview(interviewee=few)
    for _ in range(10):
        make_interview(interviewee=many, authors=[make_person()])
    assert queries(few) == queries(many)
