"""The stored search vector of each piece (PostgreSQL full-text search).

Each piece stores a weighted ``tsvector`` (title A, standfirst B, body and interview text C),
rebuilt by ``Article.save()`` from ``search_text()`` (and by segment saves) and GIN-indexed.
It is built twice: with the ``russian`` configuration, which stems Latin-script words with
the English Snowball stemmer and Cyrillic words with the Russian one, and with ``simple``,
which keeps exact words so Kazakh (or any other language) is still found word for word.

This module knows no model: pieces call it, so saving a piece never reaches into the
reader's search (``query``) or its form (``forms``).
"""

import unicodedata

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F, Func, TextField, Value

from articles.text import html_to_text

CONFIGS = ("russian", "simple")


def is_postgres():
    return connection.vendor == "postgresql"


# --- SQLite: case-insensitive matching in every alphabet ----------------------------------

SQLITE_CASEFOLD = "kazcms_casefold"


class Casefold(Func):
    """``text`` in the case-insensitive form Python gives it (SQLite's LOWER and LIKE fold
    only ASCII: "жер" would miss "Жер", "өзен" miss "ӨЗЕН")."""

    function = SQLITE_CASEFOLD
    output_field = TextField()


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def register_sqlite_functions(sender, connection, **kwargs):
    """On every new SQLite connection: the ``kazcms_casefold`` SQL function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_CASEFOLD, 1, _casefold, deterministic=True)


def clean_text(value):
    """Input without control characters (NUL included) or sentinels, spaces collapsed."""
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cs", "Co"} else ch for ch in value or ""
    )
    return " ".join(kept.split())


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
        weight: Value(clean_text(html_to_text(text)))
        for weight, text in article.search_text().items()
    }
    # The table that holds the vector (the base piece's, also for interviews).
    model = article._meta.get_field("search_vector").model
    model._base_manager.filter(pk=article.pk).update(search_vector=vector_expression(parts))


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
