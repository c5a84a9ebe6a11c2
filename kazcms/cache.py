"""Django's Redis cache, answering as an empty cache while Redis is unreachable.

Nothing in the cache is the only copy of anything (rate-limit counters, computed pages), so an
outage must not turn pages, the admin or sign-ups into 500s. While Redis cannot be reached every
call answers as Django's ``DummyCache`` does (a miss, writes dropped, ``incr`` of a missing key
raises ``ValueError``); the outage is logged once when it starts and once when it ends, per
process. After a failure Redis is left alone for ``retry_seconds``, so requests during an outage
do not each wait for a connection timeout.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Short timeouts: a cache that answers slowly is worse than none. OPTIONS may override them.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
DEFAULT_RETRY_SECONDS = 5.0


class Outage:
    """Whether one Redis location is down, shared by the threads of a process."""

    _by_location = {}
    _registry_lock = threading.Lock()

    def __init__(self, where, retry_seconds):
        self.where = where
        self.retry_seconds = retry_seconds
        self.lock = threading.Lock()
        self.is_down = False
        self.retry_at = 0.0

    @classmethod
    def of(cls, servers, retry_seconds):
        # Host and port only: a URL may carry a password, which must not reach the logs.
        where = ", ".join(urlsplit(server).netloc.rpartition("@")[2] for server in servers)
        with cls._registry_lock:
            key = (where, retry_seconds)
            if key not in cls._by_location:
                cls._by_location[key] = cls(where, retry_seconds)
            return cls._by_location[key]

    def should_skip(self):
        return self.is_down and time.monotonic() < self.retry_at

    def failed(self, exc):
        with self.lock:
            started = not self.is_down
            self.is_down = True
            self.retry_at = time.monotonic() + self.retry_seconds
        if started:
            logger.error(
                "Redis cache at %s is unreachable (%s); serving without a cache until it is back.",
                self.where,
                type(exc).__name__,
            )

    def succeeded(self):
        if not self.is_down:
            return
        with self.lock:
            ended, self.is_down = self.is_down, False
        if ended:
            logger.warning("Redis cache at %s is reachable again.", self.where)


class DegradingRedisCache(RedisCache):
    """``RedisCache`` that degrades to ``DummyCache`` answers while Redis is unreachable.

    ``OPTIONS`` are redis-py's connection options, plus ``retry_seconds``.
    """

    def __init__(self, server, params):
        options = {**DEFAULT_OPTIONS, **(params.get("OPTIONS") or {})}
        retry_seconds = float(options.pop("retry_seconds", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._empty = DummyCache(server, params)
        self._outage = Outage.of(self._servers, retry_seconds)

    @property
    def is_degraded(self):
        """True while the last attempt to reach Redis failed."""
        return self._outage.is_down

    def _call(self, name, *args, **kwargs):
        if self._outage.should_skip():
            return getattr(self._empty, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            self._outage.failed(exc)
            return getattr(self._empty, name)(*args, **kwargs)
        self._outage.succeeded()
        return result

    # RedisCache's own operations; everything else in BaseCache (get_or_set, decr, the async
    # variants, versions) is built on these.
    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
