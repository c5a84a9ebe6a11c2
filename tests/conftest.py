import pytest

from .factories import make_user


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
