"""KazCMS settings: one module, driven by environment variables with safe local defaults."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set a long random SECRET_KEY, or DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (never used with DEBUG off)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Plain HTTP with DEBUG off, for trying the production stack on this machine (`make serve` sets
# it): never for a site other machines reach, so it only goes with loopback host names.
KAZCMS_INSECURE_HTTP = env_bool("KAZCMS_INSECURE_HTTP", False)
if KAZCMS_INSECURE_HTTP and not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
    raise ImproperlyConfigured(
        "KAZCMS_INSECURE_HTTP=1 serves plain HTTP and is only for this machine: "
        "ALLOWED_HOSTS may then name only 127.0.0.1, localhost or [::1]."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "taggit",
    "django_prose_editor",
    "reversion",  # revisions of pieces (articles/revisions.py)
    "articles",
    "interviews",
    "newsletter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # collected static files, before any session work
    "kazcms.middleware.TextGZipMiddleware",  # pages gzipped by the app when no proxy does it
    "kazcms.request_guard.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kazcms.urls"
# Staff sign in through the admin; a refused ?next= lands on the admin home, not a 404.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
WSGI_APPLICATION = "kazcms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kazcms.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# Redis is the cache once the site runs on more than one process; local memory otherwise.
# Django's RedisCache, answering as an empty cache while Redis is unreachable (kazcms/cache.py).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "kazcms.cache.DegradingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kazcms"),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The newsroom's own time zone: editors see and enter times in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Every stored name is generated (originals) or carries a content key (renditions) and is never
# rewritten, so browsers and CDNs may keep media for a year: S3 objects, the media view, nginx.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def media_storage(environ):
    """Uploads on the local disk, or on S3-compatible storage as soon as a bucket is named."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    # Credentials: boto3's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the instance role.
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "url_protocol": environ.get("AWS_S3_URL_PROTOCOL", "https:"),
            "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "location": environ.get("AWS_LOCATION", ""),
            "default_acl": environ.get("AWS_DEFAULT_ACL") or None,
            # Photos are public: plain URLs keep pages cacheable (signed ones expire).
            "querystring_auth": False,
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        },
    }


STORAGES = {
    "default": media_storage(os.environ),
    # Content-hashed names with gzip and Brotli copies, made by collectstatic, served by WhiteNoise
    # with far-future immutable caching (unhashed names in DEBUG, no collectstatic needed).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are for developers' tools only: compressing the editor's 2 MB one doubles the
# time collectstatic takes.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Media from the app itself: only for one machine without a proxy (`make serve`) and in DEBUG.
# Production serves MEDIA_ROOT from nginx (deploy/nginx.conf) or uses S3.
KAZCMS_SERVE_MEDIA = env_bool("KAZCMS_SERVE_MEDIA", DEBUG)

# Uploads: refuse oversized images before Pillow decodes them.
KAZCMS_MAX_UPLOAD_BYTES = int(os.environ.get("KAZCMS_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))
KAZCMS_MAX_IMAGE_PIXELS = int(os.environ.get("KAZCMS_MAX_IMAGE_PIXELS", 40_000_000))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The publishing organisation, used in bureau lines and acknowledgements.
KAZCMS_ORGANISATION = os.environ.get("KAZCMS_ORGANISATION", "IWPR")
KAZCMS_SITE_NAME = os.environ.get("KAZCMS_SITE_NAME", "KazCMS Newsroom")
# The public address, for absolute links where no request is at hand (command-line exports).
KAZCMS_SITE_URL = os.environ.get("KAZCMS_SITE_URL", "http://127.0.0.1:8000")

TAGGIT_CASE_INSENSITIVE = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Newsletter sign-up: confirmation emails come from this address; rate limits count client IPs,
# which behind N proxies of our own are the N-th address from the right in X-Forwarded-For.
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Frontline Updates <newsletter@localhost>"
)
KAZCMS_PROXY_COUNT = int(os.environ.get("KAZCMS_PROXY_COUNT", "0"))

# Security: strict whenever DEBUG is off; behind a TLS-terminating proxy (gunicorn + nginx).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Load balancers probe the app directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG and not KAZCMS_INSECURE_HTTP:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The segment position constraint is deferred on PostgreSQL; SQLite relies on the form check.
SILENCED_SYSTEM_CHECKS = ["models.W038"]
