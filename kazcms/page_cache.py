"""The anonymous page cache: whole responses for readers, never stale truth.

``PageCacheMiddleware`` sits first in ``MIDDLEWARE``: a hit skips every other middleware and
the view. A response is stored only when the reader is anonymous (no session cookie), the
request a GET, the route public, and the response sets no cookie, says no ``Cache-Control`` of
its own and varies on nothing but compression and language. Stored responses carry
``Cache-Control: public`` (``KAZCMS_PUBLIC_CACHE_CONTROL``) and an ETag, and answer
``If-None-Match`` with 304; everything else the stack answers gets ``private, no-store``
unless the view said otherwise.

Truth. The key holds ``ContentVersion.token``, which every save or delete of public content
changes (``articles.models.site``, in the same transaction as the change), so a change made
by any process or node shows as soon as a process reads the new token: each process trusts
the token it read for ``KAZCMS_CONTENT_VERSION_SECONDS`` (1 s; a change made in the process
itself is seen at once: ``ContentVersion.current``). An entry also expires at the next
scheduled publication (``ContentVersion.next_publish_at``), so a scheduled piece appears at
its second.

Storage: the ``pages`` cache alias (Redis with ``REDIS_URL``, else local memory per process);
``PAGE_CACHE_SECONDS=0`` turns it off.
"""

import hashlib
import logging
import re
from http import HTTPStatus

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

from articles.models import ContentVersion

logger = logging.getLogger(__name__)

# Routes never stored, whatever their response says: staff, previews, tokens, health.
NEVER_STORED_NAMESPACES = {"admin", "two_factor", "staff"}
NEVER_STORED_NAMES = {
    "articles:preview",
    "newsletter:confirm",
    "newsletter:unsubscribe",
    "health",
    "media",
}
STORED_STATUSES = {200, 301, 404}
ALLOWED_VARY = {"accept-encoding", "accept-language"}
GZIP = re.compile(r"\bgzip\b")
PRIVATE = "private, no-store"


def cache():
    return caches[settings.KAZCMS_PAGE_CACHE_ALIAS]


def _language(request, uses_locale):
    if uses_locale:
        return translation.get_language_from_request(request, check_path=True)
    return settings.LANGUAGE_CODE


def _cookie_names(environ):
    return {part.split("=", 1)[0].strip() for part in environ.get("HTTP_COOKIE", "").split(";")}


def _is_reader(environ, static_prefix):
    """An anonymous GET or HEAD of a page (not a static file): what caches may hold."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if environ.get("PATH_INFO", "").startswith(static_prefix):
        return False
    names = _cookie_names(environ)
    return settings.SESSION_COOKIE_NAME not in names and "messages" not in names


def _scheme(environ):
    # As HttpRequest.scheme: the proxy's header when one is trusted.
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        if header in environ:
            return "https" if environ[header].split(",")[0].strip() == secure else "http"
    return environ.get("wsgi.url_scheme", "http")


def key_of(environ, language):
    """(cache key, time the entry stops being true) of a reader's GET, from the WSGI environ;
    (None, None) when the content version cannot be read. The host is the raw header: an
    entry exists only for a host that passed ALLOWED_HOSTS when it was stored."""
    now = timezone.now().timestamp()
    try:
        token, next_publish = ContentVersion.current(now)
    except DatabaseError:
        logger.warning("Page cache bypassed: the content version could not be read.")
        return None, None
    valid_until = now + settings.PAGE_CACHE_SECONDS
    if next_publish is not None:
        valid_until = min(valid_until, next_publish)
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    parts = [
        _scheme(environ),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
        language,
        "gzip" if GZIP.search(environ.get("HTTP_ACCEPT_ENCODING", "")) else "",
        f"{path}?{query}" if query else path,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{token:x}:{digest}", valid_until


def _fresh(entry):
    return entry is not None and timezone.now().timestamp() < entry[0]


def _not_modified(environ, headers):
    etag = headers.get("etag", ("", ""))[1]
    wanted = environ.get("HTTP_IF_NONE_MATCH", "")
    if not etag or not wanted:
        return False
    return wanted.strip() == "*" or etag.removeprefix("W/") in {
        tag.strip().removeprefix("W/") for tag in wanted.split(",")
    }


def _is_storable(request, response):
    match = getattr(request, "resolver_match", None)
    if match is None or NEVER_STORED_NAMESPACES & set(match.namespaces):
        return False
    if match.view_name in NEVER_STORED_NAMES:
        return False
    if response.status_code not in STORED_STATUSES or response.streaming:
        return False
    if response.cookies or response.has_header("Cache-Control"):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - ALLOWED_VARY:
        return False
    # A nonce would be shared by every reader of the copy: such a page is not stored.
    policy = response.get("Content-Security-Policy", "")
    return "'nonce-" not in policy


class PageCacheMiddleware:
    """Stores readers' pages and serves hits that reach Django (tests, ``runserver``, and
    languages chosen per request); ``wsgi_application`` serves the others before Django."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.uses_locale = "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        reader = _is_reader(request.META, self.static_prefix)
        key = valid_until = None
        if reader and request.method == "GET" and settings.PAGE_CACHE_SECONDS > 0:
            try:
                request.get_host()
            except DisallowedHost:
                pass  # the stack answers 400
            else:
                language = _language(request, self.uses_locale)
                key, valid_until = key_of(request.META, language)
        if key:
            entry = cache().get(key)
            if _fresh(entry):
                return self.from_entry(request, entry)
        response = self.get_response(request)
        if reader and _is_storable(request, response):
            response["Cache-Control"] = settings.KAZCMS_PUBLIC_CACHE_CONTROL
            if key:
                self.store(key, valid_until, response)
                response["X-Page-Cache"] = "miss"
        elif not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response

    def store(self, key, valid_until, response):
        remaining = valid_until - timezone.now().timestamp()
        if remaining <= 0:
            return
        # The header store as ResponseHeaders keeps it ({lower name: (name, value)}), ready
        # to hand back on a hit without re-encoding every header.
        headers = {k: v for k, v in response.headers._store.items() if k != "x-page-cache"}
        entry = (valid_until, response.status_code, headers, response.content)
        cache().set(key, entry, timeout=int(remaining) + 1)

    def from_entry(self, request, entry):
        _valid_until, status, headers, content = entry
        response = HttpResponse(content, status=status)
        response.headers._store = dict(headers)
        response["X-Page-Cache"] = "hit"
        # A 304 keeps the ETag, Cache-Control and Vary (Django copies them).
        return get_conditional_response(request, etag=response.get("ETag"), response=response)


NOT_MODIFIED_HEADERS = ("cache-control", "etag", "vary", "content-location", "expires")


def wsgi_application(application):
    """``application`` with readers' hits answered before Django: no request object, no
    middleware, no signals (a hit then costs about a tenth of a bare Django view). Misses,
    staff, other methods and per-request languages go on to Django, whose middleware
    stores what may be stored."""
    from django.conf import settings as conf

    static_prefix = "/" + conf.STATIC_URL.lstrip("/")
    uses_locale = "django.middleware.locale.LocaleMiddleware" in conf.MIDDLEWARE

    def serve(environ, start_response):
        if (
            conf.PAGE_CACHE_SECONDS > 0
            and not uses_locale
            and environ.get("REQUEST_METHOD") == "GET"
            and _is_reader(environ, static_prefix)
        ):
            key, _valid_until = key_of(environ, conf.LANGUAGE_CODE)
            entry = cache().get(key) if key else None
            if _fresh(entry):
                _until, status, headers, content = entry
                if _not_modified(environ, headers):
                    names = NOT_MODIFIED_HEADERS
                    kept = [headers[n] for n in names if n in headers]
                    start_response("304 Not Modified", [*kept, ("X-Page-Cache", "hit")])
                    return [b""]
                reason = HTTPStatus(status).phrase
                start_response(f"{status} {reason}", [*headers.values(), ("X-Page-Cache", "hit")])
                return [content]
        return application(environ, start_response)

    return serve
