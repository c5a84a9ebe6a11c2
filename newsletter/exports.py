"""Export of confirmed subscribers for the mailing tool: rows first, then the CSV format.

Cells that a spreadsheet would run as a formula are neutralised (an address may legally start
with “=” or “+”).
"""

import csv

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ["email", "confirmed_at", "unsubscribe_url"]


def safe_cell(value):
    """A cell a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def subscriber_rows(subscribers, absolute_url):
    """Header, then one row per confirmed subscriber, oldest confirmation first."""
    yield HEADER
    for subscriber in subscribers.confirmed().order_by("confirmed_at", "pk"):
        yield [
            subscriber.email,
            timezone.localtime(subscriber.confirmed_at).isoformat(timespec="seconds")
            if subscriber.confirmed_at
            else "",
            absolute_url(subscriber.unsubscribe_url()),
        ]


def csv_response(rows, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
