"""Site-level views: the health check for load balancers, media served by the app itself."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_is_up():
    # A round trip: a degraded Redis cache answers every read with a miss.
    key, value = "kazcms:health", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:  # any backend's failure only degrades the answer
        return False


@require_safe
@never_cache
def health(request):
    """200 while the database answers (the cache may be degraded), 503 when it does not.

    Says only up or down for each: no versions, host names or error messages.
    """
    database, cache_up = _database_is_up(), _cache_is_up()
    return JsonResponse(
        {
            "status": ("ok" if cache_up else "degraded") if database else "down",
            "database": "ok" if database else "down",
            "cache": "ok" if cache_up else "down",
        },
        status=200 if database else 503,
    )


@require_safe
def media(request, path):
    """A stored upload, for one machine without a proxy (``KAZCMS_SERVE_MEDIA``).

    Django's own file view: the path is joined safely under MEDIA_ROOT (``..`` is refused),
    folders are not listed, and ``If-Modified-Since`` answers 304.
    """
    if not settings.KAZCMS_SERVE_MEDIA:
        raise Http404
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL
    return response
