"""The reader's address as the site knows it: behind our proxies, and cut down for logs.

One rule for every counter and log (newsletter rate limits, sign-in lockout and audit,
preview-link views): ``KAZCMS_PROXY_COUNT`` proxies of ours append to ``X-Forwarded-For``.
"""

import ipaddress

from django.conf import settings


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


def truncated(address):
    """The network, not the reader: a /24 for IPv4, a /48 for IPv6 ("" if not an address)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
