"""Search: a reader's words and filters turned into ranked, highlighted, published pieces.

On PostgreSQL each piece stores a weighted ``tsvector`` (title A, standfirst B, body and
interview text C), kept up to date by ``Article.save`` (and segment saves) and GIN-indexed.
It is built twice: with the ``russian`` configuration, which stems Latin-script words with
the English Snowball stemmer and Cyrillic words with the Russian one, and with ``simple``,
which keeps exact words so Kazakh (or any other language) is still found word for word.
Queries go through ``websearch_to_tsquery`` under both configurations, so any input parses.

On SQLite a fallback finds every word with ``icontains`` over title, standfirst and body
and ranks title matches first; it does not search interview questions and answers.
"""

import html
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Article, Programme, Region, Topic

CONFIGS = ("russian", "simple")
WEIGHTS = ("A", "B", "C")
MAX_QUERY_LENGTH = 200  # longer input is cut, and the reader is told
MAX_FALLBACK_TERMS = 8
# Ranking reads every matching vector; for words found in most pieces that is the whole
# archive. Rank the newest RANK_WINDOW matches plus the newest RANK_WINDOW title matches.
RANK_WINDOW = 500
SNIPPET_WORDS = 30
START, STOP = "\ue000", "\ue001"  # private-use sentinels around matches in snippets
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def is_postgres():
    return connection.vendor == "postgresql"


def clean_text(value):
    """Input without control characters (NUL included) or sentinels, spaces collapsed."""
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cs", "Co"} else ch for ch in value or ""
    )
    return " ".join(kept.split())


def plain_text(markup):
    """Words of a rich-text field: tags dropped, entities decoded."""
    return html.unescape(strip_tags(markup or ""))


# --- the stored vector --------------------------------------------------------------------


def vector_expression(parts):
    """A weighted tsvector expression from ``{"A": expression, ...}``, in both configurations."""
    vector = None
    for weight, expression in parts.items():
        for config in CONFIGS:
            part = SearchVector(expression, config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def update_search_vector(article):
    """Store ``article.search_text()`` as its vector: one UPDATE, PostgreSQL only."""
    if not is_postgres() or article.pk is None:
        return
    parts = {
        weight: Value(clean_text(plain_text(text)))
        for weight, text in article.search_text().items()
    }
    Article.objects.filter(pk=article.pk).update(search_vector=vector_expression(parts))


def fill_search_vectors(queryset):
    """Vectors for many plain pieces at once from their own columns (bulk inserts, rebuilds).

    PostgreSQL's parser skips HTML tags and entities, so the body goes in as it is. Pieces
    whose class adds text of its own (interviews) need ``update_search_vector`` each.
    """
    if not is_postgres():
        return 0
    return queryset.update(
        search_vector=vector_expression({"A": F("title"), "B": F("standfirst"), "C": F("body")})
    )


# --- the reader's query -------------------------------------------------------------------


def pg_query(text):
    """The reader's words under both configurations; websearch syntax never fails to parse."""
    query = None
    for config in CONFIGS:
        part = SearchQuery(text, config=config, search_type="websearch")
        query = part if query is None else query | part
    return query


def fallback_terms(text):
    """Words for the SQLite fallback: quotes and search operators dropped, a few at most."""
    words = re.findall(r"\w[\w'’.-]*", text)
    terms = []
    for word in words:
        word = word.strip("'’.-")
        if word and word.lower() not in {"or", "and", "not"} and word not in terms:
            terms.append(word)
    return terms[:MAX_FALLBACK_TERMS]


def search(queryset, text):
    """``queryset`` narrowed to pieces matching ``text``, best first (annotated ``rank``)."""
    if is_postgres():
        return _pg_search(queryset, text)
    return _fallback_search(queryset, text)


def _pg_search(queryset, text):
    query = pg_query(text)
    newest = (queryset.filter(search_vector=query).order_by("-published_at", "-pk").values("pk"))[
        :RANK_WINDOW
    ]
    return (
        Article.objects.filter(pk__in=newest)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-published_at", "-pk")
    )


def _fallback_search(queryset, text):
    terms = fallback_terms(text)
    if not terms:
        return queryset.none()
    title_hits = Value(0)
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(standfirst__icontains=term) | Q(body__icontains=term)
        )
        title_hits = title_hits + Case(
            When(title__icontains=term, then=Value(2)),
            When(standfirst__icontains=term, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(rank=title_hits).order_by("-rank", "-published_at", "-pk")


# --- snippets -----------------------------------------------------------------------------


def render_marked(text):
    """Escape ``text`` and turn sentinel pairs into ``<mark>``; stray sentinels vanish."""
    escaped = escape(text)
    marked = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)


def add_snippets(pieces, text):
    """Give one page of results a highlighted ``title_html``, ``standfirst_html`` and
    ``snippet_html`` (PostgreSQL: one more query, for stemmed body excerpts)."""
    pieces = list(pieces)
    terms = [term.lower() for term in fallback_terms(text or "")]
    excerpts = {}
    if pieces and text and is_postgres():
        excerpts = dict(
            Article.objects.filter(pk__in=[piece.pk for piece in pieces])
            .annotate(
                excerpt=SearchHeadline(
                    "body",
                    pg_query(text),
                    config=CONFIGS[0],
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "excerpt")
        )
    for piece in pieces:
        if piece.pk in excerpts:
            snippet = html.unescape(excerpts[piece.pk] or "")
        else:
            snippet = _snippet(plain_text(piece.body), terms)
        piece.title_html = render_marked(_mark_terms(piece.title, terms))
        piece.standfirst_html = render_marked(_mark_terms(piece.standfirst, terms))
        piece.snippet_html = render_marked(snippet)
    return pieces


def _mark_terms(text, terms):
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text)


def _snippet(text, terms):
    words = text.split()
    start = 0
    lowered = [w.lower() for w in words]
    for index, word in enumerate(lowered):
        if any(term in word for term in terms):
            start = max(0, index - SNIPPET_WORDS // 3)
            break
    chosen = words[start : start + SNIPPET_WORDS]
    snippet = " ".join(chosen)
    if start > 0:
        snippet = "… " + snippet
    if start + SNIPPET_WORDS < len(words):
        snippet += " …"
    return _mark_terms(snippet, terms)


# --- the form -----------------------------------------------------------------------------


class SearchForm(forms.Form):
    """The search box and its filters; every field optional, every value checked."""

    q = forms.CharField(label="Search for", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Article.Kind.choices]
    )
    region = forms.ModelChoiceField(
        Region.objects.all(), label="Region", required=False, to_field_name="slug",
        empty_label="Any region",
    )  # fmt: skip
    topic = forms.ModelChoiceField(
        Topic.objects.all(), label="Topic", required=False, to_field_name="slug",
        empty_label="Any topic",
    )  # fmt: skip
    programme = forms.ModelChoiceField(
        Programme.objects.all(), label="Programme", required=False, to_field_name="slug",
        empty_label="Any programme",
    )  # fmt: skip
    date_from = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Published until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    FILTERS = ("kind", "region", "topic", "programme", "date_from", "date_to")

    def __init__(self, data=None, **kwargs):
        self.was_shortened = False
        if data is not None:
            data = {key: clean_text(data.get(key, "")) for key in ["q", *self.FILTERS]}
            if len(data["q"]) > MAX_QUERY_LENGTH:
                data["q"] = data["q"][:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or data["q"][:200]
                self.was_shortened = True
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if day and not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(name, "Enter a date between the years 1900 and 2999.")
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return cleaned

    def has_criteria(self):
        return self.is_valid() and any(self.cleaned_data.get(n) for n in ["q", *self.FILTERS])

    def active_filters(self):
        return [name for name in self.FILTERS if self.is_valid() and self.cleaned_data.get(name)]

    def results(self):
        """Published pieces matching the form, best first (newest first without words)."""
        data = self.cleaned_data
        pieces = Article.objects.published()
        if data["kind"]:
            pieces = pieces.filter(kind=data["kind"])
        if data["region"]:
            pieces = pieces.filter(regions=data["region"])
        if data["topic"]:
            pieces = pieces.filter(topics=data["topic"])
        if data["programme"]:
            pieces = pieces.filter(programme=data["programme"])
        if data["date_from"]:
            pieces = pieces.filter(published_at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            pieces = pieces.filter(published_at__lt=_day_start(data["date_to"] + timedelta(1)))
        if data["q"]:
            return search(pieces, data["q"])
        return pieces


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))
