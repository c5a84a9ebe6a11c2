import django_otp
import pytest
from django.http import HttpRequest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kazcms.staff import second_factor

from .factories import make_user


def verify_second_factor(client, user):
    """Mark ``client``'s session as having passed a second factor, through django-otp's own
    API: a confirmed authenticator-app device and ``django_otp.login()`` on that session."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    request = HttpRequest()
    request.session, request.user = client.session, user
    django_otp.login(request, device)
    request.session.save()
    return device


@pytest.fixture(autouse=True)
def force_login_passes_second_factor(request, monkeypatch):
    """Staff signed in with ``force_login`` (which skips the password) skip the second factor
    the same way, so tests of other features can use the admin. The real sign-in, enrolment
    and refusals are tested with ``@pytest.mark.real_second_factor`` (tests/test_staff_security)."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if second_factor.is_required(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    # Real password hashing costs seconds per login on this small machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Nothing collected: WhiteNoise would scan a `make serve` STATIC_ROOT for every test client.
    settings.STATIC_ROOT = tmp_path / "static"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("ed", "ed@example.org", "pw-for-tests-1")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def contributor():
    """A member of the Contributors role."""
    return make_user("Contributors", username="contrib")


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def desk():
    """A member of the Editors role (not a superuser)."""
    return make_user("Editors", username="desk")


@pytest.fixture
def desk_client(client, desk):
    client.force_login(desk)
    return client


@pytest.fixture(autouse=True)
def fresh_page_cache(request, settings):
    """The page cache is off unless a test is marked ``page_cache`` (query counts then measure
    the views); each test starts with it empty and no remembered content version, so a
    rolled-back test never hands its pages to the next (kazcms/page_cache.py)."""
    from django.core.cache import cache

    from articles.models import ContentVersion
    from kazcms import page_cache

    if not request.node.get_closest_marker("page_cache"):
        settings.PAGE_CACHE_SECONDS = 0
        # Changes made in the test process are seen at once anyway; no re-read a second later
        # may add a query to a query count.
        settings.KAZCMS_CONTENT_VERSION_SECONDS = 3600
    page_cache.cache().clear()
    cache.clear()  # counts and lists kept until the content changes
    ContentVersion.forget()
    yield
    ContentVersion.forget()


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings):
    """Background tasks run inside the request, as in `make run`; tests of the queue itself
    switch to the database backend (``database_queue``) and run the worker command."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def database_queue(settings):
    """The embedded production queue: tasks wait in the database until ``run_worker()``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker(database_queue, monkeypatch):
    """``manage.py db_worker --batch``: runs what is due in the queue, then returns."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    # The worker drops connections between tasks, as Django does between requests; a test's
    # connection holds its transaction, so (like Django's test client) keep it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run(**options):
        options = {"batch": True, "no_startup_delay": True, "interval": 0, **options}
        call_command("db_worker", verbosity=0, **options)

    return run


@pytest.fixture(autouse=True)
def default_edition():
    """Each test starts in the default language: a request to /ru/ leaves Russian active in
    the thread, and reverse() in the next test would build Russian addresses."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
