"""Requests no page can answer are refused before any view sees them.

A NUL or other control character has no place in an address, and PostgreSQL refuses NUL in
any string: left through, ``/articles/%00/`` or ``?region=%00`` reaches a query and fails
with a 500. Form input is already checked by Django's fields; this covers the path and the
query string, for every route at once.
"""

import re
from urllib.parse import unquote

from django.http import HttpResponseBadRequest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if CONTROL_CHARACTERS.search(request.path) or CONTROL_CHARACTERS.search(query):
            return HttpResponseBadRequest(
                "This address contains characters no page uses.", content_type="text/plain"
            )
        return self.get_response(request)
