"""Browser journeys: Playwright driving Debian's Chromium against Django's live server.

Without /usr/bin/chromium they skip locally; in CI (CI=true) they fail, so they are never
silently skipped there (.ci/run installs Chromium).
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--headless", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, speaking plain HTTP like the test client.

    With SQLite in memory its threads share one connection: two requests at once (a page and
    its scripts' requests) corrupt each other's savepoints, so they are served one at a time.
    """
    from pytest_django.live_server_helper import LiveServer

    # The server's middleware reads this once, when the server starts.
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer("localhost", start=False)
        if server.thread.connections_override:
            server.thread.static_handler = _one_at_a_time(server.thread.static_handler)
        server.start()
    yield server
    server.stop()


def _one_at_a_time(static_handler):
    lock = threading.Lock()

    def wrap(app):
        handler = static_handler(app)

        def serve(environ, start_response):
            with lock:
                return handler(environ, start_response)

        return serve

    return wrap


@pytest.fixture
def site(settings, live_server):
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    cache.clear()
    return live_server


@pytest.fixture
def page(browser, site):
    """A fresh browser page; the test fails if any page logged a JavaScript error."""
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text} ({message.location.get('url', '')})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    yield page
    context.close()
    assert errors == [], "JavaScript console errors:\n" + "\n".join(errors)


def authenticator_code(key_hex):
    """What an authenticator app shows now for a TOTP secret (hex, as django-otp stores it)."""
    device = TOTPDevice(key=key_hex)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.fixture
def sign_in(page):
    """Sign in through the real wizard: password, then the code of an enrolled authenticator."""

    def sign_in(user, password):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
        page.goto(reverse("admin:login"))
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Next").click()
        page.get_by_label("Token").fill(authenticator_code(device.key))
        page.get_by_role("button", name="Next").click()

    return sign_in
