"""Rate limits for doors open to anyone (the public problem form and its lookup), kept in the cache.

A limit counts hits per key (a client IP, a village) in fixed windows: `Rate(5, 600)` allows five
hits in each ten-minute window of the clock. A fixed window lets a burst straddle two windows (up to
twice the limit in a short while); that is enough to stop flooding a form and is one cache key per
key and window. The counter is the cache's atomic `incr`, so concurrent requests in one process or
across processes sharing Redis never lose a hit. With the embedded local-memory cache each process
counts on its own: production runs with Redis (`FUPIN_REDIS_URL`).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request.

    Behind the reverse proxy (FUPIN_BEHIND_PROXY, which sets SECURE_PROXY_SSL_HEADER) the socket
    address is nginx's own, and the client is the last X-Forwarded-For entry: the one nginx appended
    (`$proxy_add_x_forwarded_for`). Earlier entries come from the client and are not trusted.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(name: str, key: str, rate: Rate, now: float) -> str:
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{name}:{rate.limit}/{rate.seconds}:{window}:{digest}"


def count(name: str, key: str, rate: Rate) -> int:
    """Hits of `key` in the current window."""
    value = cache.get(_key(name, key, rate, time.time()))
    return int(value) if value else 0


def exceeded(name: str, key: str, rate: Rate) -> bool:
    """True when the window already holds `rate.limit` hits: the next one must be refused."""
    return count(name, key, rate) >= rate.limit


def hit(name: str, key: str, rate: Rate) -> int:
    """Count one hit; the hits of the window, this one included."""
    cache_key = _key(name, key, rate, time.time())
    # A little longer than the window, so the key never expires while its window is current.
    cache.add(cache_key, 0, timeout=rate.seconds + 5)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=rate.seconds + 5)
        return 1


def retry_after(rate: Rate) -> int:
    """Seconds until the current window ends (for the Retry-After header)."""
    now = time.time()
    return max(1, math.ceil((int(now // rate.seconds) + 1) * rate.seconds - now))
