"""Rate limits for the sign-up form, counted in Django's cache (Redis in production).

Fixed windows per client IP and per address: enough to stop a script from mail-bombing an
address or filling the table, with no new service to run.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

# (attempts, seconds); settings.NEWSLETTER_RATE_LIMITS overrides either.
DEFAULT_LIMITS = {"ip": (10, 60 * 60), "email": (3, 24 * 60 * 60)}


def client_ip(request):
    """The reader's IP: REMOTE_ADDR, or the address our own proxies saw (KAZCMS_PROXY_COUNT)."""
    proxies = getattr(settings, "KAZCMS_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Entries left of the ones our proxies appended can be forged by the client.
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


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
