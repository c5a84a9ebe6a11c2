import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from articles.exports import formats, rows
from articles.models import Article, Funder, Region, Topic

from .factories import (
    make_article,
    make_draft,
    make_interview,
    make_person,
    make_photo,
    make_programme,
    make_project,
)

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def newsroom():
    """Pieces that each filter tells apart, plus hidden ones that must stay out by default."""
    norway, eu = Funder.objects.create(name="Norway"), Funder.objects.create(name="EU")
    bridging = make_project(name="Bridging", slug="bridging", funders=[norway])
    voices = make_project(name="Voices", slug="voices", funders=[eu, norway])
    bureau = make_programme(name="Bureau", slug="bureau")
    other_bureau = make_programme(name="Other bureau", slug="other-bureau")
    kz, kg = Region.objects.create(name="Kazakhstan"), Region.objects.create(name="Kyrgyzstan")
    security, land = Topic.objects.create(name="Security"), Topic.objects.create(name="Land")
    zara, aigerim = make_person(name="Zara Writer"), make_person(name="Aigerim Writer")
    pieces = {
        "analysis": make_article(
            title="Қазақстан: жер реформасы",
            kind="analysis",
            published_at=local(2026, 3, 10, 9),
            authors=[zara, aigerim],
            projects=[bridging, voices],
            programme=bureau,
            regions=[kz],
            topics=[security, land],
            body="<p>One two three &amp; four</p><p>five</p>",
            lead_photo=make_photo(credit_person=make_person(name="Nurlan Photo")),
        ),
        "news": make_article(
            title="Border news",
            kind="news",
            published_at=local(2026, 4, 2, 23, 30),
            projects=[voices],
            programme=other_bureau,
            regions=[kg],
            topics=[land],
        ),
        "interview": make_interview(
            title="Talking water",
            published_at=local(2026, 5, 1, 0, 30),
            segments=2,
            interviewee=make_person(name="Helen Expert"),
            projects=[bridging],
            programme=bureau,
            regions=[kz, kg],
        ),
        "draft": make_draft(title="Draft piece", projects=[bridging], programme=bureau),
        "scheduled": make_article(
            title="Scheduled piece",
            published_at=timezone.now() + timedelta(days=2),
            projects=[bridging],
            programme=bureau,
        ),
    }
    return {"pieces": pieces, "norway": norway, "eu": eu}


def run(*args, **kwargs):
    out = io.StringIO()
    call_command("export_articles", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def csv_rows(*args):
    return list(csv.reader(io.StringIO(run("--format", "csv", *args))))


def ids(*args):
    return {int(row[0]) for row in csv_rows(*args)[1:]}


def pks(newsroom, *names):
    return {newsroom["pieces"][name].pk for name in names}


def xlsx_rows(path):
    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [["" if value is None else value for value in row] for row in sheet.values]


def test_csv_xlsx_and_json_parse_back_to_the_same_rows(newsroom, tmp_path):
    from_csv = csv_rows()
    call_command("export_articles", "--format", "xlsx", "--output", tmp_path / "a.xlsx")
    from_xlsx = xlsx_rows(tmp_path / "a.xlsx")
    from_json = json.loads(run("--format", "json"))

    headers = [column.header for column in rows.get_columns()]
    assert from_csv[0] == headers and from_xlsx[0] == headers
    assert len(from_csv) == 4  # three public pieces
    assert [[str(value) for value in row] for row in from_xlsx] == from_csv
    keys = [column.key for column in rows.get_columns()]
    assert [list(row) for row in from_json] == [keys] * 3
    assert [[str(row[key]) for key in keys] for row in from_json] == from_csv[1:]


def test_columns_hold_what_a_donor_report_needs(newsroom):
    rows = {row["id"]: row for row in json.loads(run("--format", "json"))}
    analysis = rows[newsroom["pieces"]["analysis"].pk]
    assert analysis == {
        "id": newsroom["pieces"]["analysis"].pk,
        "kind": "Analysis",
        "title": "Қазақстан: жер реформасы",
        "language": "English",
        "url": "http://127.0.0.1:8000" + newsroom["pieces"]["analysis"].get_absolute_url(),
        "published_at": "2026-03-10T09:00:00+05:00",
        "authors": "Aigerim Writer; Zara Writer",
        "interviewee": "",
        "programme": "Bureau",
        "projects": "Bridging; Voices",
        "funders": "EU; Norway",
        "regions": "Kazakhstan",
        "topics": "Land; Security",
        "word_count": 5,
        "photo_credit": "Nurlan Photo",
        "status": "Published",
    }
    interview = rows[newsroom["pieces"]["interview"].pk]
    assert interview["kind"] == "Interview"
    assert interview["interviewee"] == "Helen Expert"
    assert interview["url"].endswith("/interviews/talking-water/")
    # the introduction plus two questions and answers of two words each
    assert interview["word_count"] == 4 + 2 * (2 + 2)  # "Body of article N", "Question n?"…


def test_base_url_option_makes_the_url_absolute(newsroom):
    rows = json.loads(run("--format", "json", "--base-url", "https://cabar.example/"))
    assert all(row["url"].startswith("https://cabar.example/") for row in rows)
    assert not any("//articles" in row["url"] for row in rows)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), {"analysis", "news", "interview"}),
        (("--project", "bridging"), {"analysis", "interview"}),
        (("--project", "voices"), {"analysis", "news"}),
        (("--funder", "eu"), {"analysis", "news"}),
        (("--funder", "norway"), {"analysis", "news", "interview"}),
        (("--programme", "bureau"), {"analysis", "interview"}),
        (("--kind", "news"), {"news"}),
        (("--kind", "interview"), {"interview"}),
        (("--region", "kyrgyzstan"), {"news", "interview"}),
        (("--topic", "land"), {"analysis", "news"}),
        (("--since", "2026-04-02"), {"news", "interview"}),
        (("--until", "2026-04-02"), {"analysis", "news"}),
        (("--since", "2026-04-03", "--until", "2026-05-01"), {"interview"}),
        (("--project", "bridging", "--region", "kyrgyzstan"), {"interview"}),
    ],
)
def test_every_filter_narrows_the_export(newsroom, args, expected):
    assert ids(*args) == pks(newsroom, *expected)


def test_unpublished_pieces_only_when_asked_for(newsroom):
    public = pks(newsroom, "analysis", "news", "interview")
    assert ids() == public
    assert ids("--status", "draft") == pks(newsroom, "draft")
    assert ids("--status", "scheduled") == pks(newsroom, "scheduled")
    assert ids("--status", "all") == public | pks(newsroom, "draft", "scheduled")
    rows = {int(row[0]): row[-1] for row in csv_rows("--status", "all")[1:]}
    assert rows[newsroom["pieces"]["draft"].pk] == "Draft"
    assert rows[newsroom["pieces"]["scheduled"].pk] == "Scheduled"


def test_cyrillic_survives_csv_with_bom_and_xlsx(newsroom, tmp_path):
    call_command("export_articles", "--bom", "--kind", "analysis", "--output", tmp_path / "a.csv")
    raw = (tmp_path / "a.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][2] == "Қазақстан: жер реформасы"
    assert not (tmp_path / "b.csv").exists()
    call_command("export_articles", "--kind", "analysis", "--output", tmp_path / "b.csv")
    assert not (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    call_command(
        "export_articles", "--format", "xlsx", "--kind", "analysis", "-o", tmp_path / "a.xlsx"
    )
    assert xlsx_rows(tmp_path / "a.xlsx")[1][2] == "Қазақстан: жер реформасы"


DANGEROUS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTab", "\rReturn"]


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    for title in DANGEROUS:
        make_article(title=title, authors=[make_person(name="=cmd|' /C calc'!A0")])
    titles = {row[2] for row in csv_rows()[1:]}
    assert titles == {"'" + title for title in DANGEROUS}
    assert {row[5] for row in csv_rows()[1:]} == {"'=cmd|' /C calc'!A0"}

    call_command("export_articles", "--format", "xlsx", "--output", tmp_path / "a.xlsx")
    sheet = load_workbook(tmp_path / "a.xlsx").worksheets[0]
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    # Some openpyxl versions read a lone carriage return back as a line feed
    assert {cell.value.replace("\r", "\n") for cell in cells} == {
        "'" + t.replace("\r", "\n") for t in DANGEROUS
    }
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula


def test_harmless_text_and_numbers_are_left_alone():
    assert formats.safe_cell("Almaty - a city") == "Almaty - a city"
    assert formats.safe_cell(-5) == -5
    assert formats.safe_cell("") == ""


def _export_queries(**kwargs):
    with CaptureQueriesContext(connection) as ctx:
        for _ in formats.export(Article.objects.published(), "csv", **kwargs):
            pass
    return len(ctx.captured_queries)


def test_query_count_is_per_batch_not_per_row():
    photo = make_photo(credit_person=make_person())

    def add(n):
        for _ in range(n):
            make_article(
                authors=[make_person(), make_person()],
                projects=[make_project(), make_project()],
                regions=[Region.objects.create(name=f"R{Region.objects.count()}")],
                lead_photo=photo,
                programme=make_programme(),
            )
        make_interview(segments=3)

    add(2)
    small = _export_queries(batch_size=100)
    add(10)
    assert _export_queries(batch_size=100) == small
    # two batches: the prefetches and the interview queries run once more
    assert _export_queries(batch_size=10) == 2 * small - 1


def test_unknown_slug_and_bad_dates_are_clear_errors(newsroom):
    with pytest.raises(CommandError, match="No funding project with the slug “nope”"):
        run("--project", "nope")
    with pytest.raises(CommandError, match="is not a date"):
        run("--since", "10/03/2026")
    with pytest.raises(CommandError, match="--until is before --since"):
        run("--since", "2026-05-01", "--until", "2026-04-01")
    with pytest.raises(CommandError, match="XLSX is binary"):
        run("--format", "xlsx")


def test_export_streams_in_chunks():
    for n in range(3):
        make_article(title=f"Piece {n} " + "x" * 200, body="<p>" + "word " * 50 + "</p>")
    chunks = list(formats.export(Article.objects.all(), "json"))
    assert all(isinstance(chunk, bytes) for chunk in chunks)
    assert len(json.loads(b"".join(chunks))) == 3


# --- Admin ------------------------------------------------------------------------------------

CHANGELIST = "/admin/articles/article/"


def export_url(fmt, query=""):
    return f"{CHANGELIST}export/{fmt}/" + (f"?{query}" if query else "")


def body(response):
    return b"".join(response.streaming_content)


def listed_ids(client, query=""):
    response = client.get(CHANGELIST + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return [piece.pk for piece in response.context["cl"].result_list]


def exported_ids(client, query=""):
    response = client.get(export_url("json", query))
    assert response.status_code == 200
    return [row["id"] for row in json.loads(body(response))]


@pytest.fixture
def exporter(client, django_user_model):
    """Staff who may see the list and export it, but are not superusers."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", is_staff=True)  # no hashing: fast
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            # Exporting staff see the whole list, as editors do.
            codename__in=[
                "view_article",
                "change_article",
                "edit_others_article",
                "export_articles",
            ],
        )
    )
    client.force_login(user)
    return client


def test_admin_export_holds_exactly_what_the_list_shows(exporter, newsroom):
    p = newsroom["pieces"]
    bridging = p["draft"].projects.get()
    for query in [
        "",
        f"projects__id__exact={bridging.pk}",
        f"projects__funders__id__exact={newsroom['eu'].pk}",
        "status__exact=published&kind__exact=news",
        "q=water",
        "published_at__year=2026&published_at__month=4",
        "o=2",  # ordered by title
        f"regions__id__exact={Region.objects.get(name='Kyrgyzstan').pk}&o=-4",
    ]:
        shown = listed_ids(exporter, query)
        assert exported_ids(exporter, query) == shown, query
    assert len(listed_ids(exporter, f"projects__funders__id__exact={newsroom['eu'].pk}")) == 2
    assert set(listed_ids(exporter, "q=water")) == {p["interview"].pk}


def test_changelist_offers_export_links_that_keep_the_current_filters(exporter, newsroom):
    html = exporter.get(CHANGELIST + "?kind__exact=news&q=border").content.decode()
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="{CHANGELIST}export/{fmt}/?kind__exact=news&amp;q=border"' in html


def test_admin_csv_and_xlsx_downloads(exporter, newsroom):
    march = "kind__exact=analysis&published_at__year=2026&published_at__month=3"
    response = exporter.get(export_url("csv", march))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment; filename=" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8"))))
    assert rows[1][2] == "Қазақстан: жер реформасы"
    assert rows[1][3].startswith("http://testserver/en/articles/")
    response = exporter.get(export_url("xlsx", march))
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    assert list(workbook.worksheets[0].values)[1][2] == "Қазақстан: жер реформасы"


def test_export_action_exports_the_selected_rows(exporter, newsroom):
    p = newsroom["pieces"]
    selected = [p["news"].pk, p["draft"].pk]
    response = exporter.post(
        CHANGELIST,
        {"action": "export_selected_csv", "select_across": "0", "index": "0",
         "_selected_action": selected},
    )  # fmt: skip
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert {int(row[0]) for row in rows[1:]} == set(selected)


def test_every_export_is_recorded_in_the_admin_log(exporter, newsroom):
    from django.contrib.admin.models import LogEntry

    body(exporter.get(export_url("csv", "kind__exact=news")))
    exporter.post(
        CHANGELIST,
        {"action": "export_selected_json", "select_across": "0", "index": "0",
         "_selected_action": [newsroom["pieces"]["news"].pk]},
    )  # fmt: skip
    entries = list(LogEntry.objects.order_by("pk"))
    assert [entry.user.username for entry in entries] == ["staff", "staff"]
    assert entries[0].content_type.model == "article"
    assert entries[0].change_message == (
        "Exported 1 article as CSV from the list as filtered (kind__exact=news)."
    )
    assert entries[1].change_message == "Exported 1 article as JSON from the selected rows."


def test_staff_without_the_export_permission_get_403(exporter, newsroom, django_user_model):
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.get(username="staff")
    user.user_permissions.remove(Permission.objects.get(codename="export_articles"))
    for fmt in ("csv", "xlsx", "json"):
        assert exporter.get(export_url(fmt)).status_code == 403
    html = exporter.get(CHANGELIST).content.decode()
    assert "Export CSV" not in html and "export_selected_csv" not in html
    response = exporter.post(
        CHANGELIST,
        {"action": "export_selected_csv", "select_across": "0", "index": "0",
         "_selected_action": [newsroom["pieces"]["news"].pk]},
    )  # fmt: skip
    assert "Content-Disposition" not in response  # the list again: no such action
    assert not LogEntry.objects.exists()


def test_anonymous_users_are_sent_to_the_login_page(client, newsroom):
    response = client.get(export_url("csv"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_unknown_format_and_bad_filters_export_nothing(exporter, newsroom):
    from django.contrib.admin.models import LogEntry

    assert exporter.get(export_url("pdf")).status_code == 404
    response = exporter.get(export_url("csv", "no_such_field=1"))
    assert response.status_code == 302
    assert not LogEntry.objects.exists()


def test_admin_export_query_count_does_not_grow_with_rows(exporter, newsroom):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            body(exporter.get(export_url("csv")))
        return len(ctx.captured_queries)

    queries()  # warms the content type cache the admin log uses
    before = queries()
    for _ in range(15):
        make_article(authors=[make_person()], projects=[make_project()], programme=make_programme())
    queries()  # the list's count, kept until the content changes, is counted again once
    assert queries() == before


def test_word_count_counts_words_not_markup_or_punctuation():
    assert rows.word_count("<p>One two &amp; three</p><p>four — five.</p>") == 5
    assert rows.word_count("<p>Don't go to Ust-Kamenogorsk, «please»!</p>") == 5
    assert rows.word_count("<p>Қазақ тілі</p>") == 2
    assert rows.word_count("") == 0


def test_the_export_permission_alone_does_not_open_the_list(client, django_user_model, newsroom):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("clerk", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="export_articles"))
    client.force_login(user)
    assert client.get(export_url("csv")).status_code == 403


@pytest.mark.django_db
def test_editors_group_may_export_and_contributors_may_not():
    from django.contrib.auth.models import Group

    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert "export_articles" in codenames("Editors")
    assert "export_articles" in codenames("Administrators")
    assert "export_articles" not in codenames("Contributors")


def test_one_formula_escaper_guards_article_report_and_subscriber_exports(editor_client):
    """The article list, the donor report and the newsletter's subscriber list are all written
    by the same formula-safe CSV writer."""
    from newsletter.models import Subscriber

    project = make_project(name="Bridging")
    make_article(
        title="=HYPERLINK(1)",
        authors=[make_person(name="@SUM")],
        projects=[project],
        published_at=timezone.now() - timedelta(minutes=1),
    )
    Subscriber.objects.create(email="+1@example.org").confirm()

    def csv_of(url):
        response = editor_client.get(url)
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))

    article_rows = csv_of(export_url("csv"))
    today = timezone.localdate()
    report_rows = csv_of(
        f"/admin/articles/fundingproject/{project.pk}/report/"
        f"?since={today - timedelta(days=1)}&until={today}&download=publications.csv"
    )
    subscriber_rows = csv_of("/admin/newsletter/subscriber/export/")
    for found in (article_rows, report_rows):
        assert found[1][2] == "'=HYPERLINK(1)" and found[1][5] == "'@SUM"
    assert subscriber_rows[1][0] == "'+1@example.org"


def test_a_control_character_cannot_hide_a_formula_from_xlsx(tmp_path):
    make_article(title="\x01=HYPERLINK(1)")
    call_command("export_articles", "--format", "xlsx", "--output", tmp_path / "a.xlsx")
    cell = load_workbook(tmp_path / "a.xlsx").worksheets[0]["C2"]
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(1)", "s")


def test_status_column_is_the_pieces_state(newsroom):
    """Draft, In review, Scheduled, Published: the states editors see, by ``Article.state``."""
    make_article(title="Under review", status="review", published_at=None)
    exported = {int(row[0]): row[-1] for row in csv_rows("--status", "all")[1:]}
    assert exported == {piece.pk: piece.state.label for piece in Article.objects.all()}
    assert set(exported.values()) == {"Draft", "In review", "Scheduled", "Published"}
