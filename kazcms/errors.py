"""Server errors people can act on: a database outage answers 503 and says what happened.

Django hands every uncaught exception to ``handler500`` while it is still being handled, so
one place tells an outage (the database unreachable) from a bug. An outage is temporary:
503 with ``Retry-After``, a page that says whether a change was saved, and one log line per
outage rather than a traceback per request.
"""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger("kazcms.outage")

RETRY_AFTER_SECONDS = 30
OUTAGE_LOG_INTERVAL = 60  # seconds: later failures within it belong to the same outage
_last_logged = None


def database_unreachable(exc):
    return isinstance(exc, (OperationalError, InterfaceError))


def log_outage(exc):
    """One line per outage period and process, not a traceback per request."""
    global _last_logged
    now = time.monotonic()
    if _last_logged is None or now - _last_logged > OUTAGE_LOG_INTERVAL:
        logger.error("Database unavailable, answering 503: %s", str(exc).strip()[:200])
        _last_logged = now


def server_error(request):
    exc = sys.exc_info()[1]
    if not database_unreachable(exc):
        return HttpResponseServerError(render_to_string("500.html"))
    log_outage(exc)
    # Rendered without the request: context processors may need the database.
    page = render_to_string("503.html", {"was_saving": request.method == "POST"})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # Django would log the traceback again per request
    return response
