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


def bad_request(request, exception):
    """A refused request; a form past the size limits gets a page saying what to shorten.

    Django refuses a POST with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS or a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE before any view sees it, so the admin form cannot be shown
    again with its input: the page says nothing was saved, what to shorten, and that the
    browser's local copy of the form (form_backup.js) brings the text back.
    """
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    from django.views import defaults

    if not isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
        return defaults.bad_request(request, exception)
    too_big = isinstance(exception, RequestDataTooBig)
    context = {
        "too_big": too_big,
        "max_megabytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
        "max_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "max_segments": settings.KAZCMS_MAX_SEGMENTS,
        "back_url": request.path,
    }
    page = render_to_string("form_too_large.html", context)
    response = HttpResponse(page, status=413 if too_big else 400)
    response["Cache-Control"] = "no-store"
    return response
