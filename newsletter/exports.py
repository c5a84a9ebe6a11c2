"""Export of confirmed subscribers for the mailing tool: the rows are built here, the format is
the article exports' CSV writer, which neutralises cells a spreadsheet would run as a formula
(an address may legally start with “=” or “+”)."""

from django.utils import timezone

from articles.exports.formats import write_csv
from articles.exports.rows import Column

COLUMNS = [Column(key, key) for key in ("email", "confirmed_at", "unsubscribe_url")]


def subscriber_rows(subscribers, absolute_url):
    """One row per confirmed subscriber, oldest confirmation first."""
    for subscriber in subscribers.confirmed().order_by("confirmed_at", "pk"):
        yield [
            subscriber.email,
            timezone.localtime(subscriber.confirmed_at).isoformat(timespec="seconds")
            if subscriber.confirmed_at
            else "",
            absolute_url(subscriber.unsubscribe_url()),
        ]


def subscriber_csv(subscribers, absolute_url):
    """The confirmed subscribers as CSV chunks (with the BOM every CSV has, for Excel)."""
    return write_csv(COLUMNS, subscriber_rows(subscribers, absolute_url))
