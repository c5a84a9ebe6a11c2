"""Donor reports: what a funding project (or all projects) published in a period, month by month.

``build_report()`` counts published pieces per month and kind in the database (one query, months
in newsroom time); ``bar_chart()`` lays the same numbers out as a bar chart, which a template
draws as inline SVG; ``report_sheets()`` hands the table, and the list of publications, to the
export writers. A piece produced under two projects counts once in the all-projects report.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

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


def default_period(project, today=None):
    """The project's dates up to today; the last twelve months for all projects."""
    today = today or timezone.localdate()
    year_ago = (
        date(today.year - 1, today.month + 1, 1) if today.month < 12 else date(today.year, 1, 1)
    )
    if project is None:
        return year_ago, today
    until = project.ends_on if project.ends_on and project.ends_on < today else today
    since = project.starts_on or year_ago
    return since, max(since, until)


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


@dataclass
class BarChart:
    """The report as stacked bars (one per month, one colour per kind), laid out in SVG units;
    ``templates/admin/articles/_donor_chart.svg`` draws it inline (no JavaScript; a title, a
    description and the table beside it for screen readers)."""

    title: str
    description: str
    width: int  # of the drawing
    height: int
    left: int  # where the plot starts and the grid lines end
    right: int
    ticks: list  # grid lines: {y, text_y, value}
    months: list  # {bars: [{x, y, width, height, colour, title}], centre, label, year}
    legend: list  # {x, text_x, colour, label}
    month_label_y: int
    year_label_y: int


def bar_chart(report, height=220):
    """The layout of ``report``'s chart."""
    kinds = [
        (kind, label, COLOURS[n % len(COLOURS)]) for n, (kind, label) in enumerate(report.kinds)
    ]
    top = _nice_max(max([report.month_total(m) for m in report.months] + [1]))
    left, bottom, slot, legend = 40, 40, max(14, min(48, 720 // max(len(report.months), 1))), 24
    right = left + slot * len(report.months) + 10
    plot = height - bottom - legend
    scale = plot / top

    def y(value):
        return legend + plot - value * scale

    # A set: the middle line is the bottom one when the top is 1.
    ticks = [
        {"y": round(y(tick), 1), "text_y": round(y(tick) + 4, 1), "value": tick}
        for tick in {0, top // 2, top}
    ]
    label_every = max(1, len(report.months) // 12)
    months = []
    for n, month in enumerate(report.months):
        x = left + n * slot + 2
        bars, base = [], 0
        for kind, label, colour in kinds:
            value = report.counts.get((month, kind), 0)
            if not value:
                continue
            bars.append(
                {
                    "x": x,
                    "y": round(y(base + value), 1),
                    "width": slot - 4,
                    "height": round(value * scale, 1),
                    "colour": colour,
                    "title": f"{month:%B %Y}: {value} {label.lower()}",
                }
            )
            base += value
        months.append(
            {
                "bars": bars,
                "centre": x + (slot - 4) / 2,
                "label": f"{month:%b}" if n % label_every == 0 else "",
                # the year under the first bar and each January
                "year": month.year if n == 0 or month.month == 1 else "",
            }
        )
    summary = "; ".join(
        f"{label}: {report.kind_total(kind)}" for kind, label, _ in kinds if report.kind_total(kind)
    )
    return BarChart(
        title=report.title,
        description=(
            f"Bar chart of publications per month, stacked by kind. {report.total} in all"
            + (f" ({summary})." if summary else ".")
            + " The table below gives every number."
        ),
        width=max(right, left + 100 * len(kinds)),
        height=height,
        left=left,
        right=right,
        ticks=ticks,
        months=months,
        legend=[
            {"x": left + n * 100, "text_x": left + n * 100 + 16, "colour": colour, "label": label}
            for n, (_, label, colour) in enumerate(kinds)
        ],
        month_label_y=height - bottom + 16,
        year_label_y=height - bottom + 30,
    )
