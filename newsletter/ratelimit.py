"""Rate limits for the sign-up form, counted in Django's cache (Redis in production).

Fixed windows per client IP and per address: enough to stop a script from mail-bombing an
address or filling the table, with no new service to run.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from articles.client_address import client_ip  # noqa: F401 (the one rule, used by the views)

# (attempts, seconds); settings.NEWSLETTER_RATE_LIMITS overrides either.
DEFAULT_LIMITS = {"ip": (10, 60 * 60), "email": (3, 24 * 60 * 60)}


def allow(scope, value):
    """Count one attempt for ``value`` in ``scope``; False once its limit is passed."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "NEWSLETTER_RATE_LIMITS", {})}
    attempts, window = limits[scope]
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"newsletter:rate:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= attempts
