"""The date archive: every published piece by year and by month, in newsroom time.

Periods are turned into [start, end) ranges of aware datetimes so the database uses the
published_at index; months without pieces are 404s, so crawlers find no endless empty pages.
"""

from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import Article, ContentVersion
from articles.pagination import paginate


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


def period_bounds(year, month=None):
    """[start, end) of a year or month in the current time zone; Http404 when out of range."""
    try:
        if month is None:
            start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        else:
            start = datetime(year, month, 1)
            end = datetime(year + month // 12, month % 12 + 1, 1)
    except (ValueError, OverflowError) as exc:
        raise Http404("No such period") from exc
    return timezone.make_aware(start), timezone.make_aware(end)


def month_counts(pieces, name):
    """[(first day of month, number of pieces)], newest first, in one query, kept until the
    content changes under ``name`` (grouping every row is what grew with the archive)."""

    def count():
        rows = (
            pieces.order_by()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )
        return [(timezone.localtime(row["month"]).date(), row["count"]) for row in rows]

    return ContentVersion.cached(f"archive-months:{name}", count)


def index(request):
    months = month_counts(Article.objects.published().in_edition(), "all")
    return render(request, "articles/archive.html", {"months": months})


def _period(request, pieces, start, end, heading, **context):
    in_period = pieces.filter(published_at__gte=start, published_at__lt=end)
    page = paginate(
        request, in_period.for_listing(), count_key=f"archive:{start:%Y-%m-%d}:{end:%Y-%m-%d}"
    )
    if not page.object_list:
        raise Http404("Nothing was published then")
    return render(
        request,
        "articles/archive_period.html",
        {
            "page": page,
            "heading": heading,
            "kind_label": _("Archive"),
            "description": _("Everything we published in %(period)s.") % {"period": heading},
            **context,
        },
    )


def year(request, year):
    start, end = period_bounds(year)
    pieces = Article.objects.published().in_edition()
    months = month_counts(pieces.filter(published_at__gte=start, published_at__lt=end), year)
    return _period(request, pieces, start, end, str(year), year=year, months=months)


def month(request, year, month):
    start, end = period_bounds(year, month)
    pieces = Article.objects.published().in_edition()
    # Only the dates of the neighbouring pieces, for the links to their months.
    times = pieces.values_list("published_at", flat=True)
    newer = times.filter(published_at__gte=end).order_by("published_at").first()
    older = times.filter(published_at__lt=start).order_by("-published_at").first()
    return _period(
        request,
        pieces,
        start,
        end,
        date_format(start, "F Y"),
        year=year,
        newer=timezone.localtime(newer).date() if newer else None,
        older=timezone.localtime(older).date() if older else None,
    )
