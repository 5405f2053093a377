"""The client's IP address, the one place that reads it (rate limits, lockouts, records).

Only addresses our own infrastructure wrote can be trusted: REMOTE_ADDR, and the
entries that TRUSTED_PROXY_COUNT proxies appended to X-Forwarded-For. Each proxy
appends the address it received the request from, so with n proxies the client is the
n-th address from the right; anything further left was written by the client itself
and may be forged. With no proxy configured, X-Forwarded-For is ignored entirely.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """Return the client's IP address as a normalised string, or None when unreadable."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        # Fewer entries than proxies: the request skipped a proxy; keep REMOTE_ADDR.
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip_for_axes(request):
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address (None when unreadable:
    axes stores it in a nullable inet column, which refuses anything but an address)."""
    return client_ip(request)
