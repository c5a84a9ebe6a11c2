"""Donor reports: what a funding project (or all projects) published in a period, month by month.

``build_report()`` counts published pieces per month and kind in the database (one query, months
in newsroom time); ``bar_chart_svg()`` draws the same numbers as an inline SVG bar chart (no
JavaScript; a title, a description and the table beside it for screen readers);
``report_sheets()`` hands the table, and the list of publications, to the export writers.
A piece produced under two projects counts once in the all-projects report.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.exports import rows
from articles.models import Article

MAX_MONTHS = 240  # twenty years: beyond that a monthly chart says nothing
# Okabe–Ito colours: distinguishable with the common forms of colour blindness.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def month_starts(since, until):
    """The first day of each month from ``since``'s month to ``until``'s, both included."""
    months = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def count_months(since, until):
    return (until.year - since.year) * 12 + until.month - since.month + 1


@dataclass
class Report:
    project: object  # a FundingProject, or None for all projects
    since: date
    until: date
    months: list = field(default_factory=list)
    kinds: list = field(default_factory=list)  # (value, label) of every kind
    counts: dict = field(default_factory=dict)  # (month, kind) -> pieces

    @property
    def title(self):
        scope = f"“{self.project}”" if self.project else "all funding projects"
        return f"Publications of {scope}, {self.since:%d %b %Y} – {self.until:%d %b %Y}"

    def publications(self):
        """The published pieces the report counts, newest first."""
        queryset = rows.filter_articles(
            Article.objects.all(), project=self.project, since=self.since, until=self.until
        )
        if self.project is None:
            queryset = queryset.filter(pk__in=Article.projects.through.objects.values("article_id"))
        return queryset

    def per_project(self):
        """``(project name, pieces)`` for each project with pieces in the period (one query);
        a co-funded piece counts for each of its projects."""
        through = Article.projects.through.objects.filter(article__in=self.publications())
        if self.project is not None:
            through = through.filter(fundingproject=self.project)
        return list(
            through.values_list("fundingproject__name")
            .annotate(pieces=Count("article_id"))
            .order_by("-pieces", "fundingproject__name")
        )

    def month_total(self, month):
        return sum(self.counts.get((month, kind), 0) for kind, _ in self.kinds)

    def kind_total(self, kind):
        return sum(self.counts.get((month, kind), 0) for month in self.months)

    @property
    def total(self):
        return sum(self.counts.values())

    def rows(self):
        """One row per month: the month (YYYY-MM), a count per kind, the total; then totals."""
        for month in self.months:
            yield [
                f"{month:%Y-%m}",
                *[self.counts.get((month, kind), 0) for kind, _ in self.kinds],
                self.month_total(month),
            ]
        yield ["Total", *[self.kind_total(kind) for kind, _ in self.kinds], self.total]

    def columns(self):
        return [
            rows.Column("month", "Month"),
            *[rows.Column(kind, label) for kind, label in self.kinds],
            rows.Column("total", "Total"),
        ]


def build_report(project, since, until):
    """Published pieces per month and kind between two dates (inclusive), in one query."""
    report = Report(project, since, until, month_starts(since, until), list(Article.Kind.choices))
    per_month = (
        report.publications()
        .order_by()
        .annotate(month=TruncMonth("published_at"))
        .values("month", "kind")
        .annotate(pieces=Count("pk"))
    )
    for row in per_month:
        month = row["month"]
        if timezone.is_aware(month):
            month = timezone.localtime(month)
        report.counts[(month.date().replace(day=1), row["kind"])] = row["pieces"]
    return report


def report_sheets(report, base_url=""):
    """Sheets for the XLSX download: the monthly table, then the publications."""
    return [
        ("Per month", report.columns(), report.rows()),
        (
            "Publications",
            rows.get_columns(),
            rows.iter_rows(report.publications(), base_url),
        ),
    ]


def _nice_max(value):
    """A round top for the vertical axis: 1, 2, 5, 10, 20, 50…"""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def bar_chart_svg(report, height=220):
    """Stacked bars (one per month, one colour per kind) as inline SVG markup."""
    kinds = [
        (kind, label, COLOURS[n % len(COLOURS)]) for n, (kind, label) in enumerate(report.kinds)
    ]
    top = _nice_max(max([report.month_total(m) for m in report.months] + [1]))
    left, bottom, slot, legend = 40, 40, max(14, min(48, 720 // max(len(report.months), 1))), 24
    width = left + slot * len(report.months) + 10
    plot = height - bottom - legend
    scale = plot / top

    def y(value):
        return legend + plot - value * scale

    parts = []
    for tick in {0, top // 2, top}:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
                left,
                width,
                round(y(tick), 1),
                round(y(tick), 1),
                left - 6,
                round(y(tick) + 4, 1),
                tick,
            )  # fmt: skip
        )
    label_every = max(1, len(report.months) // 12)
    for n, month in enumerate(report.months):
        x = left + n * slot + 2
        base = 0
        for kind, label, colour in kinds:
            value = report.counts.get((month, kind), 0)
            if not value:
                continue
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {} {}</title></rect>",
                    x,
                    round(y(base + value), 1),
                    slot - 4,
                    round(value * scale, 1),
                    colour,
                    f"{month:%B %Y}",
                    value,
                    label.lower(),
                )  # fmt: skip
            )
            base += value
        if n % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                    x + (slot - 4) / 2,
                    height - bottom + 16,
                    f"{month:%b}",
                )
            )
        if n == 0 or month.month == 1:  # the year under the first bar and each January
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>',
                    x + (slot - 4) / 2,
                    height - bottom + 30,
                    month.year,
                )
            )
    legend_items = format_html_join(
        "",
        '<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="14" font-size="12">{}</text>',
        (
            (left + n * 100, colour, left + n * 100 + 16, label)
            for n, (_, label, colour) in enumerate(kinds)
        ),
    )
    summary = "; ".join(
        f"{label}: {report.kind_total(kind)}" for kind, label, _ in kinds if report.kind_total(kind)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" aria-labelledby="chart-title chart-desc" class="donor-chart">'
        '<title id="chart-title">{}</title><desc id="chart-desc">{}</desc>{}{}</svg>',
        max(width, left + 100 * len(kinds)), height, max(width, left + 100 * len(kinds)), height,
        report.title,
        f"Bar chart of publications per month, stacked by kind. {report.total} in all"
        + (f" ({summary})." if summary else ".") + " The table below gives every number.",
        legend_items,
        format_html_join("", "{}", ((part,) for part in parts)),
    )  # fmt: skip
