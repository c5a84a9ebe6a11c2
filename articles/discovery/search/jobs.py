"""Search vectors refreshed in the background when words they include change elsewhere:
a person renamed (the pieces they wrote or were interviewed for), a region or topic renamed
(the pieces filed under it), an interview's segment edited. The pieces' own saves keep
refreshing their vector at once; these are the changes that reach many pieces.
"""

from django.apps import apps
from django_tasks import task

from articles import jobs

from .index import is_postgres

CHUNK = 500  # pieces per task: a rename of a prolific author is several small jobs


def _pieces():
    return apps.get_model("articles", "Article")  # by name: models import this module


@task()
def refresh_search_vectors(piece_ids):
    """Rebuild the stored vector of each piece, read as its most specific class."""
    refreshed = 0
    for piece in _pieces()._base_manager.filter(pk__in=piece_ids).only("pk", "piece_type"):
        piece.specific().update_search_vector()
        refreshed += 1
    return refreshed


def refresh_later(piece_ids):
    """Queue the refresh of these pieces (PostgreSQL only: SQLite stores no vectors)."""
    ids = sorted(set(piece_ids))
    if not ids or not is_postgres():
        return
    for start in range(0, len(ids), CHUNK):
        jobs.enqueue(refresh_search_vectors, ids[start : start + CHUNK])


def pieces_naming(person):
    """Ids of the pieces whose vector holds this person's name: any relation from a piece
    type to people (authors, an interview's interviewee), found without naming the types."""
    article = _pieces()
    ids = set()
    for relation in type(person)._meta.related_objects:
        model = relation.related_model
        if isinstance(model, type) and issubclass(model, article) and relation.field.concrete:
            rows = model._base_manager.filter(**{relation.field.name: person})
            ids.update(rows.values_list("pk", flat=True))
    return ids
