import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from openpyxl import load_workbook

from articles.funding.reports import default_period

from .factories import make_article, make_draft, make_interview, make_project

pytestmark = pytest.mark.django_db

PERIOD = "since=2026-01-01&until=2026-03-31"


def local(*args):
    return timezone.make_aware(datetime(*args))  # newsroom time (Asia/Almaty)


@pytest.fixture
def editor(django_user_model):
    """A superuser without a password: hashing one costs a second per test."""
    return django_user_model.objects.create_superuser("boss", "boss@example.org")


@pytest.fixture
def fixture():
    """Hand-counted: for "Bridging", January 2026 has 2 analyses, February 1 news piece, March
    1 interview and 1 comment (5 in all). All projects add Voices' February news piece (6); the
    co-funded comment counts once. Drafts, scheduled, unfunded and out-of-period pieces never."""
    bridging = make_project(name="Bridging", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    voices = make_project(name="Voices")
    make_article(kind="analysis", published_at=local(2026, 1, 5, 12), projects=[bridging])
    make_article(kind="analysis", published_at=local(2026, 1, 31, 23, 30), projects=[bridging])
    # 1 February 00:30 in Almaty is still 31 January in UTC: newsroom months count
    make_article(kind="news", published_at=local(2026, 2, 1, 0, 30), projects=[bridging])
    make_interview(published_at=local(2026, 3, 15, 10), projects=[bridging])
    make_article(kind="comment", published_at=local(2026, 3, 20, 10), projects=[bridging, voices])
    make_article(kind="news", published_at=local(2026, 2, 10, 10), projects=[voices])
    make_article(kind="news", published_at=local(2026, 2, 11, 10))  # no project
    make_article(kind="news", published_at=local(2025, 12, 31, 23), projects=[bridging])
    make_article(kind="news", published_at=local(2026, 4, 1, 0, 5), projects=[bridging])
    make_draft(projects=[bridging])
    make_article(published_at=timezone.now() + timedelta(days=3), projects=[bridging])
    return {"bridging": bridging, "voices": voices}


def report_url(project=None, query=PERIOD):
    base = "/admin/articles/fundingproject/"
    return f"{base}{project.pk}/report/?{query}" if project else f"{base}report/?{query}"


def body(response):
    return b"".join(response.streaming_content)


HEADER = ["Month", "Analysis", "News", "Comment", "Feature", "Interview", "Total"]
BRIDGING_ROWS = [
    ["2026-01", 2, 0, 0, 0, 0, 2],
    ["2026-02", 0, 1, 0, 0, 0, 1],
    ["2026-03", 0, 0, 1, 0, 1, 2],
    ["Total", 2, 1, 1, 0, 1, 5],
]
ALL_ROWS = [
    ["2026-01", 2, 0, 0, 0, 0, 2],
    ["2026-02", 0, 2, 0, 0, 0, 2],
    ["2026-03", 0, 0, 1, 0, 1, 2],
    ["Total", 2, 2, 1, 0, 1, 6],
]


def test_project_report_counts_match_the_hand_count(editor_client, fixture):
    response = editor_client.get(report_url(fixture["bridging"]))
    assert response.status_code == 200
    assert list(response.context["report"].rows()) == BRIDGING_ROWS
    html = response.content.decode()
    assert '<th scope="row">2026-02</th><td>0</td><td>1</td>' in html
    assert "<strong>5</strong> publications" in html


def test_all_projects_report_counts_each_piece_once(editor_client, fixture):
    response = editor_client.get(report_url())
    assert list(response.context["report"].rows()) == ALL_ROWS
    # by project, the co-funded comment counts for both
    assert response.context["report"].per_project() == [("Bridging", 5), ("Voices", 2)]
    assert '<th scope="row">Voices</th><td>2</td>' in response.content.decode()


def test_chart_is_inline_accessible_svg_with_a_bar_per_count(editor_client, fixture):
    html = editor_client.get(report_url(fixture["bridging"])).content.decode()
    svg = re.search(r"<svg [^>]*donor-chart.*?</svg>", html, re.S).group()
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Publications of “Bridging”' in svg.replace("&ldquo;", "“")
    assert "5 in all (Analysis: 2; News: 1; Comment: 1; Interview: 1)" in svg
    bars = re.findall(r"<rect [^>]*><title>([^<]*)</title></rect>", svg)
    assert sorted(bars) == sorted(
        ["January 2026: 2 analysis", "February 2026: 1 news",
         "March 2026: 1 comment", "March 2026: 1 interview"]
    )  # fmt: skip
    assert "<script" not in html.split('id="content-main"')[1]


def test_downloads_hold_the_same_table_and_the_publications(editor_client, fixture):
    project = fixture["bridging"]
    raw = body(editor_client.get(report_url(project, PERIOD + "&download=table.csv")))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [HEADER] + [[str(v) for v in row] for row in BRIDGING_ROWS]

    response = editor_client.get(report_url(project, PERIOD + "&download=report.xlsx"))
    assert response["Content-Disposition"].startswith('attachment; filename="donor-report-')
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    assert workbook.sheetnames == ["Per month", "Per language", "Publications"]
    # Donors ask how many pieces each edition got: every piece here is in English.
    assert list(workbook["Per language"].values) == [("Language", "Publications"), ("English", 5)]
    assert [list(r) for r in workbook["Per month"].values] == [HEADER] + BRIDGING_ROWS
    listed = list(workbook["Publications"].values)
    assert len(listed) == 1 + 5
    assert {row[1] for row in listed[1:]} == {"Analysis", "News", "Interview", "Comment"}

    raw = body(editor_client.get(report_url(project, PERIOD + "&download=publications.csv")))
    assert [row[0] for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")))][1:] == [
        str(row[0]) for row in listed[1:]
    ]
    assert LogEntry.objects.count() == 3
    assert "table.csv" in LogEntry.objects.order_by("pk").first().change_message


def test_report_needs_the_export_permission(client, django_user_model, fixture):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_fundingproject"))
    client.force_login(user)
    assert client.get(report_url(fixture["bridging"])).status_code == 403
    assert client.get(report_url()).status_code == 403
    assert "Donor report" not in client.get("/admin/articles/fundingproject/").content.decode()
    user.user_permissions.add(Permission.objects.get(codename="export_articles"))
    assert client.get(report_url()).status_code == 200
    assert "Donor report" in client.get("/admin/articles/fundingproject/").content.decode()


def test_a_bad_period_is_a_clear_error_and_downloads_nothing(editor_client, fixture):
    project = fixture["bridging"]
    response = editor_client.get(report_url(project, "since=2026-03-01&until=2026-01-01"))
    assert response.status_code == 200 and response.context["report"] is None
    assert "The end of the period is before its start." in response.content.decode()
    response = editor_client.get(report_url(project, "since=abc&until=2026-01-01"))
    assert "Enter a valid date." in response.content.decode()
    response = editor_client.get(report_url(project, "since=1990-01-01&until=2026-01-01"))
    assert "at most 20 years" in response.content.decode()
    response = editor_client.get(
        report_url(project, "since=abc&until=2026-01-01&download=table.csv")
    )
    assert response.status_code == 302
    assert editor_client.get(report_url(project, PERIOD + "&download=x.pdf")).status_code == 404
    assert editor_client.get("/admin/articles/fundingproject/999/report/").status_code == 404
    assert not LogEntry.objects.exists()


def test_default_period_is_the_projects_dates_up_to_today(fixture):
    project = fixture["bridging"]
    assert default_period(project, today=date(2026, 11, 29)) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
    )
    assert default_period(project, today=date(2026, 3, 2)) == (date(2026, 1, 1), date(2026, 3, 2))
    assert default_period(None, today=date(2026, 11, 29)) == (date(2025, 12, 1), date(2026, 11, 29))
    assert default_period(None, today=date(2026, 12, 5)) == (date(2026, 1, 1), date(2026, 12, 5))


def test_project_page_without_a_period_shows_the_projects_dates(editor_client, fixture):
    response = editor_client.get(report_url(fixture["bridging"], ""))
    report = response.context["report"]
    assert report.since == date(2026, 1, 1)
    html = response.content.decode()
    assert 'type="date" name="since" value="2026-01-01"' in html  # what date inputs accept
    assert (
        "Donor report"
        in editor_client.get(
            f"/admin/articles/fundingproject/{fixture['bridging'].pk}/change/"
        ).content.decode()
    )


def test_the_export_permission_alone_does_not_open_reports(client, django_user_model, fixture):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("clerk", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="export_articles"))
    client.force_login(user)
    assert client.get(report_url()).status_code == 403


def test_the_article_list_link_shows_exactly_the_reports_publications(editor_client, fixture):
    """Also when the period ends today and a piece is scheduled for later today."""
    project = fixture["bridging"]
    today = timezone.localdate()
    make_article(published_at=timezone.now() - timedelta(seconds=1), projects=[project])
    make_article(published_at=timezone.now() + timedelta(seconds=90), projects=[project])
    response = editor_client.get(report_url(project, f"since=2026-01-01&until={today}"))
    link = re.search(r'href="(/admin/articles/article/\?[^"]*)"', response.content.decode())
    listed = editor_client.get(link.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200
    assert {piece.pk for piece in listed.context["cl"].result_list} == set(
        response.context["report"].publications().values_list("pk", flat=True)
    )


@pytest.fixture
def five_years():
    """A five-year project: 2 pieces in Q1 2022 (one at 00:30 on 1 April newsroom time, still
    31 March in UTC, which counts in Q2), 1 in Q4 2026."""
    project = make_project(
        name="Five years", starts_on=date(2022, 1, 1), ends_on=date(2026, 12, 31)
    )
    make_article(kind="analysis", published_at=local(2022, 2, 5, 12), projects=[project])
    make_article(kind="news", published_at=local(2022, 3, 30, 12), projects=[project])
    make_article(kind="news", published_at=local(2022, 4, 1, 0, 30), projects=[project])
    make_interview(published_at=local(2026, 11, 3, 10), projects=[project])
    return project


FIVE_YEARS = "since=2022-01-01&until=2026-12-31"


def test_a_five_year_report_reads_by_quarter(editor_client, five_years):
    response = editor_client.get(report_url(five_years, FIVE_YEARS))
    rows = list(response.context["report"].rows())
    assert len(rows) == 20 + 1  # twenty quarters and the totals, not sixty months
    assert rows[0] == ["2022 Q1", 1, 1, 0, 0, 0, 2]
    assert rows[1] == ["2022 Q2", 0, 1, 0, 0, 0, 1]
    assert rows[-2] == ["2026 Q4", 0, 0, 0, 0, 1, 1]
    assert rows[-1] == ["Total", 1, 2, 0, 0, 1, 4]
    html = response.content.decode()
    assert '<th scope="col">Quarter</th>' in html and "Publications per quarter" in html
    svg = re.search(r"<svg [^>]*donor-chart.*?</svg>", html, re.S).group()
    assert "Bar chart of publications per quarter" in svg
    assert "Q1 2022: 1 analysis" in svg and "Q4 2026: 1 interview" in svg
    assert len(re.findall(r">Q[1-4]</text>", svg)) <= 20  # one label per bar at most

    raw = body(editor_client.get(report_url(five_years, FIVE_YEARS + "&download=table.csv")))
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][0] == "Quarter" and table[1] == ["2022 Q1", "1", "1", "0", "0", "0", "2"]
    response = editor_client.get(report_url(five_years, FIVE_YEARS + "&download=report.xlsx"))
    assert load_workbook(io.BytesIO(body(response))).sheetnames == [
        "Per quarter",
        "Per language",
        "Publications",
    ]


def test_longer_periods_read_by_year_and_the_editor_can_choose(editor_client, five_years):
    rows = list(
        editor_client.get(report_url(five_years, "since=2017-01-01&until=2026-12-31"))
        .context["report"]
        .rows()
    )
    assert [row[0] for row in rows] == [str(year) for year in range(2017, 2027)] + ["Total"]
    assert rows[5] == ["2022", 1, 2, 0, 0, 0, 3]
    # Asked for months, the same five years come month by month.
    response = editor_client.get(report_url(five_years, FIVE_YEARS + "&grain=month"))
    assert len(list(response.context["report"].rows())) == 60 + 1
    assert "grain=month" in response.context["query"]  # the downloads keep the choice
    response = editor_client.get(report_url(five_years, FIVE_YEARS + "&grain=fortnight"))
    assert response.status_code == 200 and response.context["report"] is None
    assert "Select a valid choice" in response.content.decode()
