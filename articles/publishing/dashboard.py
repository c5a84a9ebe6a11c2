"""The editor's desk on the admin home: my drafts, what waits for review, what is scheduled,
what went out lately, translations that may be outdated. Each panel is a few rows and a link
into the filtered article list."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, State

from . import rules

ROWS_PER_PANEL = 8


@dataclass
class Panel:
    key: str
    title: str
    pieces: list
    count: int | None  # None: not counted (the published archive is too large to count here)
    list_url: str
    empty_text: str
    shows_time: str  # which date the rows show: "updated_at" or "published_at"


def _list_url(**params):
    return f"{reverse('admin:articles_article_changelist')}?{urlencode(params)}"


def desk_panels(user, now=None):
    """The panels ``user`` sees, built from what they may see (contributors: their own)."""
    now = now or timezone.now()
    pieces = rules.visible_to(user, Article.objects.all()).only(
        "pk", "title", "piece_type", "status", "published_at", "updated_at", "created_by"
    )

    def panel(key, title, queryset, order, empty_text, shows_time, counted=True, **params):
        rows = list(queryset.order_by(*order)[:ROWS_PER_PANEL])
        if not counted:
            count = None
        elif len(rows) < ROWS_PER_PANEL:  # all of them are shown: no need to count
            count = len(rows)
        else:
            count = queryset.count()
        return Panel(key, title, rows, count, _list_url(**params), empty_text, shows_time)

    reviewing = rules.can_publish(user)
    # Only where there is more than one language to translate into.
    outdated = pieces.may_be_outdated() if len(settings.LANGUAGES) > 1 else None
    return [
        panel(
            "drafts",
            "My drafts",
            pieces.filter(created_by=user).in_state(State.DRAFT, at=now),
            ["-updated_at", "-pk"],
            "No drafts. Start one with “Add article” or “Add interview”.",
            "updated_at",
            state="draft",
            created_by__id__exact=user.pk,
        ),
        panel(
            "review",
            "Waiting for your review" if reviewing else "Sent for review",
            pieces.in_state(State.IN_REVIEW, at=now),
            ["updated_at", "pk"],  # the longest waiting first
            "Nothing is waiting for review.",
            "updated_at",
            state="review",
        ),
        panel(
            "scheduled",
            "Scheduled",
            pieces.in_state(State.SCHEDULED, at=now),
            ["published_at", "pk"],  # the next to go out first
            "Nothing is scheduled.",
            "published_at",
            state="scheduled",
        ),
        panel(
            "published",
            "Recently published",
            pieces.in_state(State.PUBLISHED, at=now),
            ["-published_at", "-pk"],
            "Nothing published yet.",
            "published_at",
            counted=False,
            state="live",
        ),
        *(
            []
            if outdated is None
            else [
                panel(
                    "outdated",
                    "Translations that may be outdated",
                    outdated,
                    ["-updated_at", "-pk"],
                    "Every translation is up to date with its source.",
                    "updated_at",
                    translation="outdated",
                )
            ]
        ),
    ]
