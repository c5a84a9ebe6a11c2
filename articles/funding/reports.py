"""Donor reports: what a funding project (or all projects) published in a period, per month,
quarter or year (the grain follows the period's length: a five-year project reads by quarter).

``build_report()`` counts published pieces per period and kind in the database (one query,
periods in newsroom time); ``bar_chart()`` lays the same numbers out as a bar chart, which a
template draws as inline SVG; ``report_sheets()`` hands the table, and the list of
publications, to the export writers. A piece produced under two projects counts once in the
all-projects report.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from articles.exports import rows
from articles.languages import language_label
from articles.models import Article

MAX_MONTHS = 240  # twenty years, the longest period a report covers
# Okabe–Ito colours: distinguishable with the common forms of colour blindness.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


@dataclass(frozen=True)
class Grain:
    """How long each row and bar of a report is."""

    name: str  # also the column's key
    label: str  # the column heading
    months: int
    trunc: type  # the database function that maps a time to the start of its period

    def start_of(self, day):
        """The first day of the period ``day`` falls in."""
        return date(day.year, (day.month - 1) // self.months * self.months + 1, 1)

    def row_label(self, start):
        if self.name == "quarter":
            return f"{start.year} Q{(start.month - 1) // 3 + 1}"
        return f"{start:%Y}" if self.name == "year" else f"{start:%Y-%m}"

    def long_label(self, start):
        """The period in words, for the bar titles screen readers announce."""
        if self.name == "quarter":
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        return f"{start:%Y}" if self.name == "year" else f"{start:%B %Y}"

    def axis_label(self, start):
        """What stands under a bar; the year line below says which year."""
        if self.name == "quarter":
            return f"Q{(start.month - 1) // 3 + 1}"
        return f"{start:%Y}" if self.name == "year" else f"{start:%b}"


GRAINS = {
    grain.name: grain
    for grain in (
        Grain("month", "Month", 1, TruncMonth),
        Grain("quarter", "Quarter", 3, TruncQuarter),
        Grain("year", "Year", 12, TruncYear),
    )
}
# Up to two years reads by month, up to six by quarter (at most 24 bars), longer by year.
MONTHLY_UP_TO, QUARTERLY_UP_TO = 24, 72


def count_months(since, until):
    return (until.year - since.year) * 12 + until.month - since.month + 1


def choose_grain(since, until):
    months = count_months(since, until)
    if months <= MONTHLY_UP_TO:
        return GRAINS["month"]
    return GRAINS["quarter"] if months <= QUARTERLY_UP_TO else GRAINS["year"]


def period_starts(since, until, grain):
    """The first day of each period from ``since``'s to ``until``'s, both included."""
    starts, start = [], grain.start_of(since)
    while start <= until:
        starts.append(start)
        month = start.month - 1 + grain.months
        start = date(start.year + month // 12, month % 12 + 1, 1)
    return starts


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
    grain: Grain
    periods: list = field(default_factory=list)  # the first day of each period
    kinds: list = field(default_factory=list)  # (value, label) of every kind
    counts: dict = field(default_factory=dict)  # (period start, kind) -> pieces

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

    def per_language(self):
        """``(language, pieces)`` for each language with pieces in the period (one query):
        donors fund editions, and ask how many pieces each language got."""
        counts = dict(
            self.publications().order_by().values_list("language").annotate(pieces=Count("pk"))
        )
        return [
            (language_label(code), counts[code])
            for code, _name in settings.LANGUAGES
            if counts.get(code)
        ]

    def period_total(self, period):
        return sum(self.counts.get((period, kind), 0) for kind, _ in self.kinds)

    def kind_total(self, kind):
        return sum(self.counts.get((period, kind), 0) for period in self.periods)

    @property
    def total(self):
        return sum(self.counts.values())

    def rows(self):
        """One row per period (2026-03, 2026 Q1 or 2026), a count per kind, the total; then
        the totals."""
        for period in self.periods:
            yield [
                self.grain.row_label(period),
                *[self.counts.get((period, kind), 0) for kind, _ in self.kinds],
                self.period_total(period),
            ]
        yield ["Total", *[self.kind_total(kind) for kind, _ in self.kinds], self.total]

    def columns(self):
        return [
            rows.Column(self.grain.name, self.grain.label),
            *[rows.Column(kind, label) for kind, label in self.kinds],
            rows.Column("total", "Total"),
        ]


def build_report(project, since, until, grain=None):
    """Published pieces per period and kind between two dates (inclusive), in one query;
    ``grain`` (a name in ``GRAINS``) defaults to what suits the period's length."""
    grain = GRAINS[grain] if grain else choose_grain(since, until)
    report = Report(
        project,
        since,
        until,
        grain,
        period_starts(since, until, grain),
        [(value, str(label)) for value, label in Article.Kind.choices],
    )
    per_period = (
        report.publications()
        .order_by()
        .annotate(period=grain.trunc("published_at"))
        .values("period", "kind")
        .annotate(pieces=Count("pk"))
    )
    for row in per_period:
        start = row["period"]
        if timezone.is_aware(start):
            start = timezone.localtime(start)
        report.counts[(grain.start_of(start.date()), row["kind"])] = row["pieces"]
    return report


def report_sheets(report, base_url=""):
    """Sheets for the XLSX download: the table per period, then the publications."""
    return [
        (f"Per {report.grain.name}", report.columns(), report.rows()),
        (
            "Per language",
            [rows.Column("language", "Language"), rows.Column("pieces", "Publications")],
            report.per_language(),
        ),
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
    """The report as stacked bars (one per period, one colour per kind), laid out in SVG units;
    ``templates/admin/articles/_donor_chart.svg`` draws it inline (no JavaScript; a title, a
    description and the table beside it for screen readers)."""

    title: str
    description: str
    width: int  # of the drawing
    height: int
    left: int  # where the plot starts and the grid lines end
    right: int
    ticks: list  # grid lines: {y, text_y, value}
    periods: list  # {bars: [{x, y, width, height, colour, title}], centre, label, year}
    legend: list  # {x, text_x, colour, label}
    period_label_y: int
    year_label_y: int


def bar_chart(report, height=220):
    """The layout of ``report``'s chart."""
    kinds = [
        (kind, label, COLOURS[n % len(COLOURS)]) for n, (kind, label) in enumerate(report.kinds)
    ]
    grain, starts = report.grain, report.periods
    top = _nice_max(max([report.period_total(p) for p in starts] + [1]))
    left, bottom, slot, legend = 40, 40, max(14, min(48, 720 // max(len(starts), 1))), 24
    right = left + slot * len(starts) + 10
    plot = height - bottom - legend
    scale = plot / top

    def y(value):
        return legend + plot - value * scale

    # A set: the middle line is the bottom one when the top is 1.
    ticks = [
        {"y": round(y(tick), 1), "text_y": round(y(tick) + 4, 1), "value": tick}
        for tick in {0, top // 2, top}
    ]
    label_every = max(1, len(starts) // 12)
    periods = []
    for n, start in enumerate(starts):
        x = left + n * slot + 2
        bars, base = [], 0
        for kind, label, colour in kinds:
            value = report.counts.get((start, kind), 0)
            if not value:
                continue
            bars.append(
                {
                    "x": x,
                    "y": round(y(base + value), 1),
                    "width": slot - 4,
                    "height": round(value * scale, 1),
                    "colour": colour,
                    "title": f"{grain.long_label(start)}: {value} {label.lower()}",
                }
            )
            base += value
        periods.append(
            {
                "bars": bars,
                "centre": x + (slot - 4) / 2,
                "label": grain.axis_label(start) if n % label_every == 0 else "",
                # the year under the first bar and each January (yearly bars name it above)
                "year": start.year if grain.name != "year" and (n == 0 or start.month == 1) else "",
            }
        )
    summary = "; ".join(
        f"{label}: {report.kind_total(kind)}" for kind, label, _ in kinds if report.kind_total(kind)
    )
    return BarChart(
        title=report.title,
        description=(
            f"Bar chart of publications per {grain.name}, stacked by kind. {report.total} in all"
            + (f" ({summary})." if summary else ".")
            + " The table below gives every number."
        ),
        width=max(right, left + 100 * len(kinds)),
        height=height,
        left=left,
        right=right,
        ticks=ticks,
        periods=periods,
        legend=[
            {"x": left + n * 100, "text_x": left + n * 100 + 16, "colour": colour, "label": label}
            for n, (_, label, colour) in enumerate(kinds)
        ],
        period_label_y=height - bottom + 16,
        year_label_y=height - bottom + 30,
    )
