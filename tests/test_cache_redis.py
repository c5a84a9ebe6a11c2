"""Redis as the cache (REDIS_URL): the real server at 127.0.0.1:6379, and outages of one we start.

Keys carry a per-test prefix in a database of their own, and nothing here flushes a database:
other processes may share the server.
"""

import logging
import shutil
import socket
import subprocess
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from kazcms.cache import Outage

from .factories import make_article, make_photo
from .test_production import closed_port
from .test_settings import manage

pytestmark = pytest.mark.django_db

REDIS_DB = 11
BACKEND = "kazcms.cache.DegradingRedisCache"


@pytest.fixture(autouse=True)
def no_outage_yet(monkeypatch):
    """Each test starts with every Redis location counted as up (the state is per process)."""
    monkeypatch.setattr(Outage, "_by_location", {})


def use_redis(settings, url, **options):
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {"BACKEND": BACKEND, "LOCATION": url, "KEY_PREFIX": prefix, "OPTIONS": options}
    }
    return prefix


@pytest.fixture
def redis_cache(settings):
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    prefix = use_redis(settings, url)
    client = redis.Redis.from_url(url)
    yield client, prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def outage_logs(caplog):
    caplog.set_level(logging.WARNING, logger="kazcms.cache")
    return lambda level: [
        r for r in caplog.records if r.name == "kazcms.cache" and r.levelname == level
    ]


def sign_up(client, email="reader@example.org"):
    return client.post(reverse("newsletter:signup"), {"email": email}, REMOTE_ADDR="10.0.0.9")


def test_cache_entries_live_in_redis(redis_cache):
    client, prefix = redis_cache
    cache.set("greeting", {"text": "Salem"}, timeout=30)
    assert cache.get("greeting") == {"text": "Salem"}
    assert client.exists(f"{prefix}:1:greeting")
    assert 0 < client.ttl(f"{prefix}:1:greeting") <= 30


def test_signup_rate_limits_are_counted_in_redis(client, redis_cache, settings, mailoutbox):
    redis_client, prefix = redis_cache
    settings.NEWSLETTER_RATE_LIMITS = {"ip": (2, 60)}
    assert sign_up(client, "one@example.org").status_code == 302
    assert sign_up(client, "two@example.org").status_code == 302
    assert sign_up(client, "three@example.org").status_code == 429
    assert len(mailoutbox) == 2
    assert list(redis_client.scan_iter(f"{prefix}:1:newsletter:rate:ip:*"))


def test_health_reports_a_working_cache(client, redis_cache):
    assert client.get(reverse("health")).json()["cache"] == "ok"


class TestUnreachableRedis:
    @pytest.fixture
    def dead_redis(self, settings):
        # retry_seconds=0: every call really tries the dead port, as a long outage eventually does.
        use_redis(settings, f"redis://127.0.0.1:{closed_port()}/0", retry_seconds=0)

    def test_pages_admin_and_signup_keep_working_and_log_once(
        self, client, editor_client, dead_redis, outage_logs, mailoutbox
    ):
        piece = make_article(lead_photo=make_photo())
        assert client.get(reverse("home")).status_code == 200
        assert client.get(piece.get_absolute_url()).status_code == 200
        assert sign_up(client).status_code == 302
        assert len(mailoutbox) == 1
        assert editor_client.get(reverse("admin:articles_article_changelist")).status_code == 200
        assert sign_up(client, "other@example.org").status_code == 302
        errors = outage_logs("ERROR")
        assert len(errors) == 1, [r.getMessage() for r in errors]
        assert "unreachable" in errors[0].getMessage()

    def test_cache_answers_as_an_empty_cache(self, dead_redis):
        assert cache.add("key", 1) is True
        cache.set("key", 1)
        assert cache.get("key") is None
        assert cache.get("key", "default") == "default"
        assert cache.get_or_set("key", "computed") == "computed"
        assert cache.get_many(["key"]) == {}
        assert cache.has_key("key") is False
        with pytest.raises(ValueError):
            cache.incr("key")
        cache.delete("key")
        cache.clear()

    def test_health_says_degraded_but_answers_200(self, client, dead_redis):
        response = client.get(reverse("health"))
        assert response.status_code == 200
        assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}

    def test_password_in_the_url_never_reaches_the_log(self, settings, outage_logs):
        use_redis(settings, f"redis://:hunter2-secret@127.0.0.1:{closed_port()}/0")
        cache.get("key")
        message = outage_logs("ERROR")[0].getMessage()
        assert "127.0.0.1" in message and "hunter2" not in message

    def test_a_server_that_never_answers_times_out_quickly(self, client, settings):
        with socket.socket() as silent:  # accepts connections, never replies
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            port = silent.getsockname()[1]
            use_redis(settings, f"redis://127.0.0.1:{port}/0", socket_timeout=0.1)
            assert sign_up(client).status_code == 302


@pytest.fixture
def own_redis():
    """A redis-server of our own on a free port, to stop and start mid-test."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (.ci/run installs it)"
    port = closed_port()
    processes = []

    def start():
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        for line in process.stdout:  # waits on the server's own word, no sleeping
            if "Ready to accept connections" in line:
                return
        raise RuntimeError("redis-server did not start")

    def stop():
        process = processes[-1]
        process.terminate()
        process.wait(timeout=10)

    start()
    yield f"redis://127.0.0.1:{port}/0", start, stop
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_an_outage_is_logged_once_and_its_end_too(client, settings, own_redis, outage_logs):
    url, start, stop = own_redis
    use_redis(settings, url, retry_seconds=0)
    piece = make_article()
    cache.set("before", "kept")
    assert cache.get("before") == "kept"

    stop()
    for _ in range(3):
        assert client.get(piece.get_absolute_url()).status_code == 200
        assert sign_up(client).status_code == 302
        assert cache.get("before") is None
    assert len(outage_logs("ERROR")) == 1
    assert client.get(reverse("health")).json()["status"] == "degraded"

    start()  # an empty server: the cache only ever held what can be rebuilt
    cache.set("after", "stored")
    assert cache.get("after") == "stored"
    assert [r.getMessage() for r in outage_logs("WARNING")] == [
        f"Redis cache at {url.split('//')[1].removesuffix('/0')} is reachable again."
    ]
    assert client.get(reverse("health")).json()["status"] == "ok"

    stop()
    cache.get("after")
    assert len(outage_logs("ERROR")) == 2, "a new outage is logged again"


def test_redis_url_alone_selects_the_degrading_backend():
    result = manage(
        "shell",
        "-c",
        "from django.core.cache import caches; c = caches['default']; c.set('probe', 'yes', 5); "
        "print(type(c).__name__, c.get('probe'))",
        DEBUG="1",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:12]}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["DegradingRedisCache", "yes"]
