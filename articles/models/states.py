"""The states of a piece, defined once: in Python (``Article.state``) and in SQL."""

from datetime import datetime, time

from django.db import models
from django.db.models import Q
from django.utils import timezone


class State(models.TextChoices):
    """A piece's state as editors say it; the one definition, in Python (``Article.state``)
    and in SQL (``state_q`` and the queryset methods), tested to agree."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


def state_q(state, *, at=None, prefix=""):
    """The condition for pieces in ``state`` as a ``Q``, also across relations:
    ``Person.objects.filter(state_q("published", prefix="articles__"))``."""
    now = at or timezone.now()
    status, published_at = f"{prefix}status", f"{prefix}published_at"
    if state == State.DRAFT:
        return Q(**{status: "draft"})
    if state == State.IN_REVIEW:
        return Q(**{status: "review"})
    if state == State.PUBLISHED:  # readers see it: published, and its time has come
        return Q(**{status: "published", f"{published_at}__lte": now})
    if state == State.SCHEDULED:  # published with a time still to come
        return Q(**{status: "published"}) & ~Q(**{f"{published_at}__lte": now})
    raise ValueError(f"Unknown state {state!r}: choose one of {', '.join(State.values)}.")


def day_start(day):
    """The first instant of ``day`` in the newsroom's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
