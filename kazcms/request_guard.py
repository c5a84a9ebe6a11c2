"""Requests no page can answer are refused before any view sees them.

A NUL or other control character has no place in an address, and PostgreSQL refuses NUL in
any string: left through, ``/articles/%00/`` reaches a query and fails with a 500. This
covers the path of every route at once. Query strings are read through forms, which clean
what they read (the search box answers any input with a page, so it is not refused here).
"""

import re

from django.http import HttpResponseBadRequest

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            return HttpResponseBadRequest(
                "This address contains characters no page uses.", content_type="text/plain"
            )
        return self.get_response(request)
