import re
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from articles.demo import generate_synthetic
from articles.discovery.search import query as search_module
from articles.discovery.search.forms import SearchForm
from articles.discovery.search.query import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    SearchTooSlow,
    compact_query,
)
from articles.models import Article, Region, Topic

from .factories import (
    make_article,
    make_draft,
    make_interview,
    make_person,
    make_photo,
    make_programme,
)

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)
SEARCH = reverse("articles:search")


def results(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response


def found_titles(response):
    return [piece.title for piece in response.context["page"].object_list]


def test_a_title_match_outranks_a_newer_body_match(client):
    make_article(
        title="Budget talks stall",
        body="<p>The pipeline was mentioned once, and the pipeline again.</p>",
        published_at=timezone.now() - timedelta(hours=1),
    )
    make_article(title="Pipeline deal signed", published_at=timezone.now() - timedelta(days=30))
    assert found_titles(results(client, q="pipeline")) == [
        "Pipeline deal signed",
        "Budget talks stall",
    ]


def test_standfirst_and_body_words_are_found(client):
    make_article(title="One", standfirst="Glaciers are shrinking fast.")
    make_article(title="Two", body="<p>The <strong>reservoir</strong> is empty.</p>")
    make_article(title="Three")
    assert found_titles(results(client, q="glaciers")) == ["One"]
    assert found_titles(results(client, q="reservoir")) == ["Two"]


def test_every_word_must_match(client):
    make_article(title="Water and energy")
    make_article(title="Water only")
    assert found_titles(results(client, q="water energy")) == ["Water and energy"]


def test_kazakh_and_other_words_are_found_exactly(client):
    make_article(title="Жаңалықтар", body="<p>Қазақстанның ауыл шаруашылығы туралы.</p>")
    make_article(title="Other")
    assert found_titles(results(client, q="Қазақстанның")) == ["Жаңалықтар"]
    assert found_titles(results(client, q="шаруашылығы")) == ["Жаңалықтар"]


@on_postgres
def test_english_words_are_found_by_their_stem(client):
    make_article(title="Rivers", body="<p>The reservoirs were flooding the valleys.</p>")
    assert found_titles(results(client, q="flooded reservoir")) == ["Rivers"]


@on_postgres
def test_russian_words_are_found_by_their_stem(client):
    make_article(title="Новости", body="<p>Полицейские задержали участников протестов.</p>")
    assert found_titles(results(client, q="полицейский протест")) == ["Новости"]


@on_postgres
def test_interview_questions_and_answers_are_found_and_kept_up_to_date(client):
    interview = make_interview(title="A conversation", segments=0)
    segment = interview.segments.create(
        position=1, question="What about hydropower?", answer="<p>Dams on the Vakhsh.</p>"
    )
    assert found_titles(results(client, q="hydropower")) == ["A conversation"]
    assert found_titles(results(client, q="Vakhsh")) == ["A conversation"]
    segment.answer = "<p>Irrigation canals.</p>"
    segment.save()
    assert found_titles(results(client, q="Vakhsh")) == []
    assert found_titles(results(client, q="canals")) == ["A conversation"]
    segment.delete()
    assert found_titles(results(client, q="canals")) == []


@on_postgres
def test_interviewee_name_is_found(client):
    make_interview(title="Talk", interviewee=make_person(name="Zhanar Tokayeva"))
    assert found_titles(results(client, q="Tokayeva")) == ["Talk"]


def test_editing_a_piece_updates_what_finds_it(client):
    article = make_article(title="Harvest report")
    article.title = "Drought report"
    article.save()
    assert found_titles(results(client, q="harvest")) == []
    assert found_titles(results(client, q="drought")) == ["Drought report"]


def test_drafts_and_scheduled_pieces_never_appear(client):
    make_article(title="Public canary piece")
    make_draft(title="Draft canary piece")
    make_article(title="Scheduled canary piece", published_at=timezone.now() + timedelta(days=1))
    make_interview(title="Draft canary interview", status="draft", published_at=None)
    response = results(client, q="canary")
    assert found_titles(response) == ["Public canary piece"]
    assert "Draft canary" not in response.content.decode()
    assert "Scheduled canary" not in response.content.decode()
    # Nor when browsing by filter alone.
    response = results(client, kind="analysis")
    assert found_titles(response) == ["Public canary piece"]


@pytest.fixture
def filtered():
    """Pieces that all match "steppe" but differ in one filter each."""
    region, other_region = (
        Region.objects.create(name="Kyrgyzstan"),
        Region.objects.create(name="Tajikistan"),
    )
    topic, other_topic = Topic.objects.create(name="Land"), Topic.objects.create(name="Energy")
    programme, other_programme = make_programme(name="Bureau A"), make_programme(name="Bureau B")
    day = timezone.make_aware(datetime(2025, 3, 10, 12, 0))
    make_article(
        title="Steppe news",
        kind=Article.Kind.NEWS,
        regions=[region],
        topics=[topic],
        programme=programme,
        published_at=day,
    )
    make_article(
        title="Steppe analysis",
        kind=Article.Kind.ANALYSIS,
        regions=[other_region],
        topics=[other_topic],
        programme=other_programme,
        published_at=day - timedelta(days=40),
    )
    make_interview(
        title="Steppe interview", regions=[other_region], published_at=day + timedelta(days=40)
    )
    return {"region": region, "topic": topic, "programme": programme}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "news"}, ["Steppe news"]),
        ({"kind": "interview"}, ["Steppe interview"]),
        ({"region": "kyrgyzstan"}, ["Steppe news"]),
        ({"topic": "land"}, ["Steppe news"]),
        ({"programme": "bureau-a"}, ["Steppe news"]),
        ({"date_from": "2025-03-10", "date_to": "2025-03-10"}, ["Steppe news"]),
        ({"date_from": "2025-03-11"}, ["Steppe interview"]),
        ({"date_to": "2025-03-09"}, ["Steppe analysis"]),
        ({}, ["Steppe interview", "Steppe news", "Steppe analysis"]),
    ],
)
def test_each_filter_narrows_the_results(client, filtered, params, expected):
    assert sorted(found_titles(results(client, q="steppe", **params))) == sorted(expected)


def test_filters_work_without_words_newest_first(client, filtered):
    assert found_titles(results(client, region="tajikistan")) == [
        "Steppe interview",
        "Steppe analysis",
    ]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"region": "atlantis"}, "Select a valid choice"),
        ({"kind": "poem"}, "Select a valid choice"),
        ({"date_from": "yesterday"}, "Enter a valid date"),
        ({"date_from": "0001-01-01"}, "between the years 1900 and 2999"),
        ({"date_to": "9999-12-31"}, "between the years 1900 and 2999"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "on or after the start date"),
    ],
)
def test_bad_filters_get_a_clear_message(client, filtered, params, message):
    response = results(client, q="steppe", **params)
    assert message in response.content.decode()
    assert found_titles(response) == []


ODD_INPUTS = [
    "",
    "   ",
    "x" * 10_000,
    "steppe " * 2_000,
    '"unbalanced quote',
    "' OR 1=1; --",
    "'; DROP TABLE articles_article; --",
    "steppe & | ! <-> :* ( ) \\",
    "-steppe",
    "or",
    "the",
    "%",
    "_",
    "\x00",
    "nul\x00byte",
    "\x1b[31m\x07",
    "😀🔥",
    "\u202eevil",
    "\ue000\ue001",
    "ﷺ𝕏𝔸",
    "<script>alert(1)</script>",
    "SELECT * FROM auth_user",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_any_input_gives_a_page(client, filtered, text):
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize("name", ["kind", "region", "topic", "programme", "date_from", "page"])
def test_nul_bytes_in_any_parameter_do_not_break_the_page(client, filtered, name):
    response = client.get(SEARCH, {"q": "steppe", name: "a\x00b"})
    assert response.status_code in {200, 404}


def test_long_input_is_shortened_and_the_reader_is_told(client, filtered):
    response = results(client, q="steppe " + "x" * 10_000)
    assert response.context["query"] == "steppe"  # the cut-off word is dropped
    assert "Your search was very long" in response.content.decode()
    assert len(found_titles(response)) == 3
    response = results(client, q="x" * 10_000)
    assert len(response.context["query"]) == MAX_QUERY_LENGTH
    assert found_titles(response) == []


def test_sql_looking_text_is_just_words(client):
    make_article(title="Table of contents")
    make_article(title="Unrelated")
    assert found_titles(results(client, q="'; table --")) == ["Table of contents"]
    assert Article.objects.count() == 2


def test_matches_are_highlighted_and_html_is_escaped(client):
    make_article(
        title="Police <b>reform</b> & courts",
        standfirst="What the police reform changes.",
        body="<p>Many words before. The police reform bill passed on Tuesday.</p>",
    )
    html = results(client, q="reform").content.decode()
    assert "<mark>reform</mark>" in html
    assert "&lt;b&gt;<mark>reform</mark>&lt;/b&gt; &amp; courts" in html
    assert "<b>reform</b>" not in html


def test_nothing_found_page_offers_suggestions(client, filtered):
    response = results(client, q="glacier meltwater", region="kyrgyzstan")
    html = response.content.decode()
    assert "Nothing found for “glacier meltwater”" in html
    assert "?q=glacier%20meltwater" in html  # the same words without filters
    assert "?q=glacier" in html and "?q=meltwater" in html  # one word at a time
    assert reverse("articles:topic", kwargs={"slug": "land"}) in html


def test_the_empty_search_page_invites_a_search(client):
    html = results(client).content.decode()
    assert 'role="search"' in html
    assert "Type a word or two" in html
    assert "Nothing found" not in html


@pytest.fixture
def many_matches():
    for n in range(25):
        make_article(title=f"Migration story {n}")


def test_results_are_paginated_and_links_keep_the_search(client, many_matches):
    first = results(client, q="migration", kind="analysis")
    assert len(found_titles(first)) == 20
    assert "?q=migration&amp;kind=analysis&amp;page=2" in first.content.decode()
    second = results(client, q="migration", kind="analysis", page=2)
    assert len(found_titles(second)) == 5
    assert set(found_titles(first)).isdisjoint(found_titles(second))


@pytest.mark.parametrize("page", ["abc", "0", "-1", "3", "99999999999999999999", "1.5"])
def test_a_bad_page_is_a_404(client, many_matches, page):
    assert client.get(SEARCH, {"q": "migration", "page": page}).status_code == 404


def test_a_bad_page_without_a_search_is_a_404(client):
    assert client.get(SEARCH, {"page": "abc"}).status_code == 404


def _rich_piece(title):
    return make_article(
        title=title,
        lead_photo=make_photo(credit_person=make_person()),
        authors=[make_person(), make_person()],
        regions=[Region.objects.get_or_create(name="Kazakhstan")[0]],
        programme=make_programme(),
    )


def test_the_results_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    _rich_piece("Rangeland one")
    params = {"q": "rangeland", "region": "kazakhstan", "date_from": "2000-01-01"}
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert len(found_titles(results(client, **params))) == 1
    for n in range(24):
        _rich_piece(f"Rangeland {n}")
    with django_assert_num_queries(len(small)):
        assert len(found_titles(results(client, **params))) == 20
    with django_assert_max_num_queries(12):
        results(client, **params)


@on_postgres
def test_saving_stores_a_search_vector(client):
    article = make_article(title="Vector check")
    assert Article.objects.filter(pk=article.pk, search_vector__isnull=False).exists()


@on_postgres
def test_synthetic_articles_get_search_vectors(client):
    generate_synthetic(30, batch_size=10)
    assert not Article.objects.filter(search_vector__isnull=True).exists()
    response = results(client, q="synthetic OR 7 OR water OR region OR court")
    assert response.context["page"].paginator.count > 0


@on_postgres
def test_update_search_index_rebuilds_every_vector(client):
    make_article(title="Rebuild plain")
    make_interview(title="Rebuild interview", segments=0).segments.create(
        position=1, question="Why?", answer="<p>Sandstorms.</p>"
    )
    Article.objects.update(search_vector=None)
    assert found_titles(results(client, q="rebuild")) == []
    call_command("update_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(found_titles(results(client, q="rebuild"))) == [
        "Rebuild interview",
        "Rebuild plain",
    ]
    assert found_titles(results(client, q="sandstorms")) == ["Rebuild interview"]


def test_pages_do_not_load_the_search_vector(client):
    make_article(title="Deferred")
    piece = Article.objects.for_listing().get()
    assert "search_vector" in piece.get_deferred_fields()
    assert "search_vector" in Article.objects.for_detail().get().get_deferred_fields()


def test_a_search_the_database_gives_up_on_gets_a_clear_message(client, monkeypatch):
    make_article(title="Slow piece")

    def give_up(form):
        raise SearchTooSlow

    monkeypatch.setattr(SearchForm, "result_ids", give_up)
    response = results(client, q="slow")
    assert "That search took too long" in response.content.decode()
    assert "Nothing found" not in response.content.decode()


@on_postgres
def test_a_slow_query_is_cancelled_by_the_database(monkeypatch):
    monkeypatch.setattr(search_module, "SEARCH_TIMEOUT_MS", 1)
    make_article()
    slow = Article.objects.annotate(
        nap=RawSQL("(SELECT 1 FROM pg_sleep(0.2))", [], output_field=IntegerField())
    )
    with pytest.raises(SearchTooSlow):
        search_module._with_timeout(slow)
    assert Article.objects.count() == 1  # the connection is still usable


def test_the_chosen_filters_stay_chosen(client, filtered):
    html = results(client, q="steppe", region="kyrgyzstan", kind="news").content.decode()
    assert '<option value="kyrgyzstan" selected>Kyrgyzstan</option>' in html
    assert '<option value="news" selected>News</option>' in html
    assert '<option value="tajikistan">Tajikistan</option>' in html


@on_postgres
def test_repeated_words_are_searched_once(client):
    make_article(title="Water news")
    assert found_titles(results(client, q="water " * 500)) == ["Water news"]
    assert compact_query("a b a B c " + " ".join(f"w{n}" for n in range(20))).split()[:4] == [
        "a",
        "b",
        "c",
        "w0",
    ]
    assert len(compact_query(" ".join(f"w{n}" for n in range(20))).split()) == MAX_TERMS


def _inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


@on_postgres
def test_an_interview_made_in_the_admin_is_found_by_its_answers(editor_client, client):
    from .factories import make_photo
    from .formdata import form_data

    add_url = reverse("admin:interviews_interview_add")
    data = form_data(editor_client.get(add_url), "interview_form")  # what the form posts
    data.update(
        {
            "title": "Talking about glaciers",
            "standfirst": "A glaciologist on the thaw.",
            "lead_photo": str(make_photo().pk),
            "interviewee": str(make_person(name="A Glaciologist").pk),  # publishing needs one
            "body": "<p>Introduction.</p>",
            "status": "published",
            **_inline(
                "segments",
                [
                    {"position": "1", "question": "What melts first?", "answer": "<p>Moraine.</p>"},
                    {"position": "2", "question": "And then?", "answer": "<p>Permafrost.</p>"},
                ],
            ),
        }
    )
    response = editor_client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert found_titles(results(client, q="moraine permafrost")) == ["Talking about glaciers"]


def test_snippets_keep_words_apart_at_paragraph_breaks(client):
    make_article(
        title="After the attacks",
        body="<p>Talks with extremists.</p><p>Officials said little.</p>",
    )
    (piece,) = results(client, q="officials").context["page"].object_list
    assert re.search(r"extremists\.\s+<mark>Officials</mark>", piece.snippet_html), (
        piece.snippet_html
    )


def test_filters_fold_away_until_used(client):
    make_article(title="Rangeland folding")
    closed = results(client, q="rangeland").content.decode()
    assert re.search(r'<details class="search-filters">\s*<summary>', closed)
    # Results come before nothing else but the box: the filters are folded above them.
    opened = results(client, q="rangeland", kind="news").content.decode()
    assert '<details class="search-filters" open>' in opened
    broken = results(client, q="rangeland", date_from="not-a-date").content.decode()
    assert '<details class="search-filters" open>' in broken  # errors are never hidden


def test_the_search_page_is_indexable_but_its_results_are_not(client):
    bare = client.get("/en/search/").content.decode()
    assert 'name="robots"' not in bare
    for query in ("?q=water", "?region=nowhere", "?date_from=not-a-date"):
        html = client.get(f"/en/search/{query}").content.decode()
        assert '<meta name="robots" content="noindex, follow">' in html, query
    robots = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /*/search/?" in robots  # results, whatever the words
    assert "Disallow: /*/search/" not in robots
