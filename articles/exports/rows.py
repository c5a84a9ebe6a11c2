"""The rows of article-list exports (for staff and donor reports): columns, filters, rows.

As in pretix, building rows is separate from writing a format: ``iter_rows()`` turns a queryset
into plain rows (one tuple per piece, in ``get_columns()`` order) and the writers in
``articles.exports.formats`` turn rows into bytes, chunk by chunk. Pieces are read as plain
values through ``Article.objects.for_export()`` with ``iterator(chunk_size=BATCH_SIZE)`` (a
server-side cursor on PostgreSQL); each batch then fetches its people, tags, projects and
funders with one query each. Memory stays flat whatever the number of pieces, and the database
work is a fixed number of queries per batch, never per row. (Model instances and ORM
prefetching cost about ten times as much per row, taggit's prefetch most of all: see
bench/exports.py.) Each row's state comes from the database, by the one definition
(``state_q``).

``articles`` never imports ``interviews``: apps that extend pieces add their own columns with
``register_columns()`` from their ``AppConfig.ready()`` (the interviews app adds the interviewee
and counts segment words), each filling a whole batch with one query.
"""

import itertools
import json
import operator
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.db import connections
from django.db.models import Case, F, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone, translation

from articles.languages import language_label
from articles.models import (
    Article,
    FundingProject,
    State,
    TaggedRegion,
    TaggedTopic,
    state_q,
)
from articles.text import count_words

BATCH_SIZE = 2000


@dataclass(frozen=True)
class Column:
    key: str  # JSON key
    header: str  # CSV and XLSX header


BASE_COLUMNS = [
    Column("id", "ID"),
    Column("kind", "Kind"),
    Column("title", "Title"),
    Column("url", "URL"),
    Column("published_at", "Publication date"),
    Column("authors", "Authors"),
    Column("programme", "Programme"),
    Column("projects", "Funding projects"),
    Column("funders", "Funders"),
    Column("regions", "Regions"),
    Column("topics", "Topics"),
    Column("word_count", "Word count"),
    Column("photo_credit", "Lead photo credit"),
    Column("language", "Language"),
    Column("status", "Status"),
]


@dataclass(frozen=True)
class ColumnProvider:
    """Columns another app adds: ``fill(pieces, rows)`` sets ``rows[pk][key]`` for a batch
    (``pieces`` are the ``for_export()`` values of the batch, ``rows`` its rows by id)."""

    columns: tuple[Column, ...]
    after: str
    fill: Callable[[list[dict], dict[int, dict]], None]


_providers: dict[str, ColumnProvider] = {}


def register_columns(name, columns, fill, after=None):
    """Add columns after the column keyed ``after`` (at the end by default); re-registering
    under the same ``name`` replaces, so ``ready()`` running twice is harmless."""
    _providers[name] = ColumnProvider(tuple(columns), after or BASE_COLUMNS[-1].key, fill)


def get_columns():
    """The export columns, base ones with each provider's inserted in place."""
    columns = list(BASE_COLUMNS)
    for provider in _providers.values():
        keys = [column.key for column in columns]
        at = keys.index(provider.after) + 1 if provider.after in keys else len(columns)
        columns[at:at] = provider.columns
    return columns


# --- Filters ----------------------------------------------------------------------------------

STATUSES = ["published", "scheduled", "draft", "all"]


def filter_articles(queryset, *, status="published", **filters):
    """Narrow ``queryset`` for an export. Only what readers can see (``published()``) unless
    ``status`` asks for another state ("scheduled", "draft") or "all"; the filters
    are ``ArticleQuerySet.filtered``'s (``since``/``until`` dates both included)."""
    if status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}: choose one of {', '.join(STATUSES)}.")
    return queryset.in_state(status).filtered(**filters)


# --- Rows -------------------------------------------------------------------------------------


def word_count(markup):
    """Words in a piece of HTML (the rule ``Article.word_count`` is kept with on save)."""
    return count_words(markup)


def _joined(rows):
    """``{piece: "A; B"}`` from ``(piece, name)`` rows the database sorted by name, then id."""
    names = defaultdict(list)
    for piece, name in rows:
        names[piece].append(name)
    return {piece: "; ".join(found) for piece, found in names.items()}


def _id_set(ids, using):
    """``ids`` as one query parameter: Django would otherwise prepare a thousand parameters per
    query one by one, which costs more than running it."""
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    if vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(ids)),))
    return list(ids)


def _relations(pks, using):
    """Authors, tags, projects and funders of a batch of pieces: five queries, joined names
    in a stable order (by name, then by id for namesakes)."""
    pks = _id_set(pks, using)
    authors = Article.authors.through.objects.filter(article_id__in=pks)
    regions = TaggedRegion.objects.filter(content_object_id__in=pks)
    topics = TaggedTopic.objects.filter(content_object_id__in=pks)
    projects = list(
        Article.projects.through.objects.filter(article_id__in=pks)
        .order_by("fundingproject__name", "fundingproject_id")
        .values_list("article_id", "fundingproject__name", "fundingproject_id")
    )
    funders_of = defaultdict(list)
    for project, name, pk in FundingProject.funders.through.objects.filter(
        fundingproject_id__in=_id_set({row[2] for row in projects}, using)
    ).values_list("fundingproject_id", "funder__name", "funder_id"):
        funders_of[project].append((name, pk))
    funders = sorted(
        {(name, pk, piece) for piece, _, project in projects for name, pk in funders_of[project]}
    )
    return {
        "authors": _joined(
            authors.order_by("person__name", "person_id").values_list("article_id", "person__name")
        ),
        "regions": _joined(
            regions.order_by("tag__name", "tag_id").values_list("content_object_id", "tag__name")
        ),
        "topics": _joined(
            topics.order_by("tag__name", "tag_id").values_list("content_object_id", "tag__name")
        ),
        "projects": _joined((piece, name) for piece, name, _ in projects),
        "funders": _joined((piece, name) for name, _, piece in funders),
    }


class _Urls:
    """Public addresses without a ``reverse()`` per row: one per kind of piece, slug spliced in."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.patterns = {}

    def __call__(self, piece_type, language, slug):
        if (piece_type, language) not in self.patterns:
            model = Article(piece_type=piece_type).piece_model
            with translation.override(language):  # the piece's own edition
                url = reverse(model.detail_url_name, kwargs={"slug": "SLUG-PLACEHOLDER"})
            self.patterns[piece_type, language] = url.split("SLUG-PLACEHOLDER", 1)
        before, after = self.patterns[piece_type, language]
        if not slug.isascii():  # ASCII slugs are letters, digits, - and _: nothing to quote
            slug = quote(slug, safe="-_")
        return f"{self.base_url}{before}{slug}{after}"


def _batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _state_expression():
    """Each piece's ``State`` worked out by the database, from the one definition (``state_q``),
    all at the same instant."""
    now = timezone.now()
    return Case(
        *[When(state_q(state, at=now), then=Value(state.value)) for state in State],
        default=F("status"),
    )


def iter_rows(queryset, base_url="", batch_size=BATCH_SIZE):
    """One tuple of values per piece of ``queryset``, in its order and ``get_columns()`` order."""
    keys = [column.key for column in get_columns()]
    values_of = operator.itemgetter(*keys)
    extra = dict.fromkeys(set(keys) - {column.key for column in BASE_COLUMNS}, "")
    url = _Urls(base_url)
    newsroom_time = timezone.get_current_timezone()  # once: looking it up costs per row
    kinds = {value: str(label) for value, label in Article.Kind.choices}
    states = dict(State.choices)
    # The caller's prefetches (e.g. the admin list's) give way to the export recipe.
    pieces = (
        queryset.prefetch_related(None)
        .for_export()
        .annotate(state=_state_expression())
        .iterator(chunk_size=batch_size)
    )
    for batch in _batched(pieces, batch_size):
        related = _relations([piece["pk"] for piece in batch], queryset.db)
        authors, regions, topics = related["authors"], related["regions"], related["topics"]
        projects, funders = related["projects"], related["funders"]
        rows = {}
        for piece in batch:
            pk, published_at = piece["pk"], piece["published_at"]
            rows[pk] = {
                **extra,
                "id": pk,
                "kind": kinds.get(piece["kind"], piece["kind"]),
                "title": piece["title"],
                "language": language_label(piece["language"]),
                "url": url(piece["piece_type"], piece["language"], piece["slug"]),
                "published_at": (
                    published_at.astimezone(newsroom_time).isoformat(timespec="seconds")
                    if published_at
                    else ""
                ),
                "authors": authors.get(pk, ""),
                "programme": piece["programme__name"] or "",
                "projects": projects.get(pk, ""),
                "funders": funders.get(pk, ""),
                "regions": regions.get(pk, ""),
                "topics": topics.get(pk, ""),
                "word_count": piece["word_count"],
                "photo_credit": piece["lead_photo__credit_person__name"]
                or piece["lead_photo__credit_text"]
                or "",
                "status": states.get(piece["state"], piece["state"]),
            }
        for provider in _providers.values():
            provider.fill(batch, rows)
        for row in rows.values():  # dicts keep the batch's order
            yield values_of(row)
