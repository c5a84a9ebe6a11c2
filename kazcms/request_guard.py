"""Requests no page can answer are refused before any view sees them.

Hostile or broken input is answered with a 4xx at one place for every route, ours and the
packages' (the admin, two-factor sign-in, django-otp), instead of route by route:

- A NUL or other control character has no place in an address, and PostgreSQL refuses NUL in
  any string: left through, ``/articles/%00/`` reaches a query and fails with a 500 (400).
- A number in the address larger than any row id (``/admin/…/99999999999999999999/``) makes
  SQLite raise OverflowError and PostgreSQL "out of range" (404).
- A ``?next=`` that is not a path on this site (``²``, ``-1``) is dropped: views hand it to
  ``redirect()``, which takes anything else for a view name and fails with NoReverseMatch.
- A view that looks a row up with ``.get()`` and finds none (django-otp's device pages do)
  answers 404, as ``get_object_or_404`` would have.

Query strings are otherwise read through forms, which clean what they read (the search box
answers any input with a page, so it is not refused here).
"""

import re

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotFound

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUMBER_SEGMENT = re.compile(r"(?<![^/])[0-9]{19,}(?![^/])")  # a whole path segment of digits
LARGEST_ID = 2**63 - 1  # BigAutoField


def has_impossible_id(path):
    return any(int(number) > LARGEST_ID for number in NUMBER_SEGMENT.findall(path))


def is_local_path(url):
    """A path on this site ("/admin/"), not a scheme, a host ("//evil"), nor a view name."""
    return url.startswith("/") and not url.startswith(("//", "/\\"))


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            return HttpResponseBadRequest(
                "This address contains characters no page uses.", content_type="text/plain"
            )
        if has_impossible_id(request.path):
            return HttpResponseNotFound("No such page.", content_type="text/plain")
        next_url = request.GET.get(REDIRECT_FIELD_NAME)
        if next_url is not None and not is_local_path(next_url):
            request.GET = request.GET.copy()
            del request.GET[REDIRECT_FIELD_NAME]
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ObjectDoesNotExist):
            raise Http404("No such page.") from exception
        return None
