"""Search: a reader's words and filters turned into ranked, highlighted, published pieces.

On PostgreSQL the words match the stored vectors (see ``index``) through
``websearch_to_tsquery`` under both configurations, so any input parses, and results come
with a stemmed excerpt (``ts_headline``). On SQLite a fallback finds every word with
``icontains`` over title, standfirst and body and ranks title matches first; it does not
search interview questions and answers.
"""

import html
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.text import html_to_text

from .index import CONFIGS, Casefold, is_postgres

MAX_QUERY_LENGTH = 200  # longer input is cut, and the reader is told
MAX_TERMS = 10  # words (or quoted phrases) kept from a query; repeats dropped
# Ranking reads every matching vector, and a common word matches most of the archive:
# results are the newest RESULTS_LIMIT matches, ranked. A reader narrows with words/filters.
RESULTS_LIMIT = 500
SEARCH_TIMEOUT_MS = 3000  # a pathological query gets a message, not a stuck worker
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement_timeout
SNIPPET_WORDS = 30
SNIPPET_SOURCE_CHARS = 6000
START, STOP = "\ue000", "\ue001"  # private-use sentinels around matches in snippets


# --- the reader's query -------------------------------------------------------------------


def compact_query(text):
    """At most MAX_TERMS words or quoted phrases, each once: bounds the work per query."""
    kept, seen = [], set()
    for token in re.findall(r'-?"[^"]*"?|\S+', text):
        if token.lower() not in seen:
            seen.add(token.lower())
            kept.append(token)
    return " ".join(kept[:MAX_TERMS])


def split_exclusions(text):
    """(the words to find, [the words to leave out]): ``-word`` and ``-"a phrase"`` leave out.

    Exclusions are applied apart from the words: under two configurations ORed together,
    ``police & !shooting`` (simple) still matches a piece whose vector holds ``shootings``.
    """
    wanted, excluded = [], []
    for token in re.findall(r'-?"[^"]*"?|\S+', compact_query(text)):
        if token.startswith("-") and token[1:].strip('"-').strip():
            excluded.append(token[1:])
        else:
            wanted.append(token)
    return " ".join(wanted), excluded


def pg_query(text):
    """The reader's words under both configurations; websearch syntax never fails to parse."""
    text = compact_query(text)
    query = None
    for config in CONFIGS:
        part = SearchQuery(text, config=config, search_type="websearch")
        query = part if query is None else query | part
    return query


def fallback_terms(text):
    """Plain words of a query: quotes and search operators dropped, a few at most."""
    words = re.findall(r"\w[\w'’.-]*", text)
    terms = []
    for word in words:
        word = word.strip("'’.-")
        if word and word.lower() not in {"or", "and", "not"} and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def search(queryset, text):
    """Ids of the pieces of ``queryset`` that match ``text``, best first.

    PostgreSQL: one pass over the newest RESULTS_LIMIT matches reads and ranks each vector
    once; the ids are sorted by rank here, and the page then fetches only its own rows.
    """
    if not is_postgres():
        return _fallback_search(queryset, text)
    wanted, excluded = split_exclusions(text)
    query = pg_query(wanted or text)
    matches = queryset.filter(search_vector=query)
    if wanted and excluded:
        # A piece is left out when any configuration finds any excluded word in it.
        matches = matches.exclude(search_vector=pg_query(" or ".join(excluded)))
    rows = _with_timeout(
        matches.annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-published_at", "-pk")
        .values_list("rank", "published_at", "pk")[:RESULTS_LIMIT]
    )
    return [pk for _rank, _published_at, pk in sorted(rows, reverse=True)]


def newest(queryset):
    """Ids of the newest pieces of ``queryset`` (at most RESULTS_LIMIT on PostgreSQL)."""
    ids = queryset.order_by("-published_at", "-pk").values_list("pk", flat=True)
    return _with_timeout(ids[:RESULTS_LIMIT]) if is_postgres() else list(ids)


def is_capped(ids):
    """Whether the results stopped at RESULTS_LIMIT (PostgreSQL ranks no more than that)."""
    return is_postgres() and len(ids) >= RESULTS_LIMIT


class SearchTooSlow(Exception):
    """The database gave up on a query that would have taken too long."""


def _with_timeout(queryset):
    """The rows of ``queryset``, or SearchTooSlow after SEARCH_TIMEOUT_MS (PostgreSQL)."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(SEARCH_TIMEOUT_MS)}")
            return list(queryset)
    except OperationalError as exc:
        if getattr(exc.__cause__, "pgcode", None) != QUERY_CANCELED:
            raise
        raise SearchTooSlow from exc


def _fallback_search(queryset, text):
    """SQLite: every word in the title, standfirst or body, in any letter case of any
    alphabet (compared casefolded), title matches first."""
    wanted, excluded = split_exclusions(text)
    terms = [term.casefold() for term in fallback_terms(wanted)]
    if not terms:
        return []
    queryset = queryset.annotate(
        folded_title=Casefold("title"),
        folded_standfirst=Casefold("standfirst"),
        folded_body=Casefold("body"),
    )

    def anywhere(term):
        return (
            Q(folded_title__contains=term)
            | Q(folded_standfirst__contains=term)
            | Q(folded_body__contains=term)
        )

    for term in fallback_terms(" ".join(excluded)):
        queryset = queryset.exclude(anywhere(term.casefold()))
    title_hits = Value(0)
    for term in terms:
        queryset = queryset.filter(anywhere(term))
        title_hits = title_hits + Case(
            When(folded_title__contains=term, then=Value(2)),
            When(folded_standfirst__contains=term, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ranked = queryset.annotate(rank=title_hits).order_by("-rank", "-published_at", "-pk")
    return list(ranked.values_list("pk", flat=True))


# --- snippets -----------------------------------------------------------------------------


def render_marked(text):
    """Escape ``text`` and turn sentinel pairs into ``<mark>``; stray sentinels vanish."""
    escaped = escape(text)
    marked = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(START, "").replace(STOP, ""))  # noqa: S308 (escaped above)


def result_pieces(ids, text):
    """The pieces of one result page, in the order of ``ids``, each with a highlighted
    ``title_html``, ``standfirst_html`` and ``snippet_html``.

    One query plus the listing prefetches: on PostgreSQL the stemmed body excerpt comes
    with the rows (ts_headline) and the body itself stays in the database.
    """
    wanted = split_exclusions(text or "")[0]
    terms = [term.lower() for term in fallback_terms(wanted)]
    pieces = Article.objects.filter(pk__in=ids).for_listing()
    if text and is_postgres():
        pieces = pieces.defer("body").annotate(
            excerpt=SearchHeadline(
                # The opening of a very long piece is enough for an excerpt.
                Left("body", SNIPPET_SOURCE_CHARS),
                pg_query(wanted or text),
                config=CONFIGS[0],
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            )
        )
    else:  # the snippet is cut from the body here: read it (for_listing() leaves it out)
        pieces = pieces.defer(None).defer("search_vector")
    by_pk = {piece.pk: piece for piece in pieces}
    ordered = [by_pk[pk] for pk in ids if pk in by_pk]
    for piece in ordered:
        if hasattr(piece, "excerpt"):
            snippet = html.unescape(piece.excerpt or "")
        else:  # without words to show in context, the standfirst says enough
            snippet = _snippet(html_to_text(piece.body), terms) if terms else ""
        piece.title_html = render_marked(_mark_terms(piece.title, terms))
        piece.standfirst_html = render_marked(_mark_terms(piece.standfirst, terms))
        piece.snippet_html = render_marked(snippet)
    return ordered


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
