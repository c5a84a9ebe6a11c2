"""KazCMS settings: one module, driven by environment variables with safe local defaults."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.conf.locale import LANG_INFO
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
    "taggit",
    "django_prose_editor",
    "reversion",  # revisions of pieces (articles/publishing/revisions.py)
    "articles",
    "interviews",
    "newsletter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # collected static files, before any session work
    "kazcms.middleware.TextGZipMiddleware",  # pages gzipped by the app when no proxy does it
    "kazcms.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The edition from the URL prefix (/ru/…); the admin in the editor's browser language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kazcms.urls"
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
                "newsletter.context_processors.newsletter",
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
# The "pages" alias holds the anonymous page cache (kazcms/page_cache.py), apart from the
# default's rate-limit counters so pages never evict them.
if os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "kazcms.cache.DegradingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kazcms") + suffix,
        }
        for alias, suffix in (("default", ""), ("pages", "-pages"))
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kazcms-pages",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "5000"))},
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One edition per language, each under its own prefix (/en/, /ru/, /kk/, /ky/). The first is the
# default: the language of a piece unless the editor picks another, and the fallback of names and
# interface texts. Adding Uzbek or Tajik is a settings change: KAZCMS_LANGUAGES=en,ru,kk,ky,uz.
LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "kk": "Қазақша",
    "ky": "Кыргызча",
    "uz": "Oʻzbekcha",
    "tg": "Тоҷикӣ",
}
LANGUAGES = [
    (code, LANGUAGE_NAMES.get(code) or LANG_INFO[code]["name_local"])
    for code in env_list("KAZCMS_LANGUAGES", "en,ru,kk,ky")
]
LANGUAGE_CODE = LANGUAGES[0][0]
# The newsroom's own time zone: editors see and enter times in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
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


def media_url(environ):
    """Where readers fetch uploads: MEDIA_URL if set, else the bucket's public address.

    An absolute address also puts its origin in the Content-Security-Policy (ASSET_ORIGINS) and
    turns off the app's own media route. tests/test_storage_s3.py checks it against the URLs
    the storage really makes.
    """
    if environ.get("MEDIA_URL"):
        return environ["MEDIA_URL"]
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return "/media/"
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").rstrip("/")
    virtual = environ.get("AWS_S3_ADDRESSING_STYLE") == "virtual"
    if environ.get("AWS_S3_CUSTOM_DOMAIN"):
        protocol = environ.get("AWS_S3_URL_PROTOCOL", "https:")
        base = f"{protocol}//{environ['AWS_S3_CUSTOM_DOMAIN']}/"
    elif endpoint and virtual:
        scheme, _, host = endpoint.partition("://")
        base = f"{scheme}://{bucket}.{host}/"
    elif endpoint:
        base = f"{endpoint}/{bucket}/"
    else:
        base = f"https://{bucket}.s3.amazonaws.com/"
    location = environ.get("AWS_LOCATION", "").strip("/")
    return f"{base}{location}/" if location else base


MEDIA_URL = media_url(os.environ)
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
    # Preload lists are a commitment that is slow to undo: operators opt in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Staff security: second factor, lockout, audit, sessions, Content-Security-Policy --------
# (kazcms/staff/; README "Staff security"). Kept in one block: the lists above are extended here.

# The admin site is ours (kazcms.staff.sites): it refuses staff who still owe a second factor.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "kazcms.staff.apps.StaffAdminConfig"
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_static",  # one-use recovery codes
    "django_otp.plugins.otp_totp",  # authenticator apps
    "two_factor",
    "two_factor.plugins.webauthn",  # passkeys and security keys
    "axes",
    "csp",
    "kazcms.staff",
]
MIDDLEWARE.insert(1, "kazcms.staff.csp.NewsroomCSPMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django calls validators' password_changed() on every password change, whatever the path.
AUTH_PASSWORD_VALIDATORS += [{"NAME": "kazcms.staff.audit.PasswordChangeAudit"}]

LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"  # a refused ?next= lands on the admin home, not a 404
TWO_FACTOR_PATCH_ADMIN = False  # StaffAdminSite.login sends to the wizard or to enrolment
TWO_FACTOR_WEBAUTHN_RP_NAME = KAZCMS_SITE_NAME
TWO_FACTOR_WEBAUTHN_RP_ID = os.environ.get("TWO_FACTOR_WEBAUTHN_RP_ID") or None  # default: host
# An authenticator's secret is shown once, at enrolment: the admin never shows it again (its QR
# pages answer 403, also for a device that does not exist, where the library would fail).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Roles whose members cannot use the admin without a verified second factor (superusers always).
KAZCMS_SECOND_FACTOR_ROLES = env_list("KAZCMS_SECOND_FACTOR_ROLES", "Editors,Administrators")

# Lockout per account and, separately, per client address (behind KAZCMS_PROXY_COUNT proxies).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True  # the lockout page says so
AXES_CLIENT_IP_CALLABLE = "articles.client_address.client_ip"
AXES_USERNAME_CALLABLE = "kazcms.staff.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "kazcms.staff.lockout.lockout_response"
# The sign-in wizard's password field, masked in axes' logs.
AXES_PASSWORD_FORM_FIELD = "auth-password"  # noqa: S105 (a field name, not a password)

# Staff sessions end after a working day without activity; each request renews the day.
SESSION_COOKIE_AGE = int(os.environ.get("KAZCMS_STAFF_IDLE_SECONDS", 10 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = True


def origin_of(url):
    """The scheme and host of an absolute URL (media on a CDN or bucket), else None."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


ASSET_ORIGINS = [o for o in (origin_of(MEDIA_URL), origin_of(STATIC_URL)) if o]
# Readers: no script runs at all (JSON-LD blocks are data, never executed), nothing frames us.
# The hash is the one inline <style> of templates/500.html, which renders without a request.
KAZCMS_CSP_PUBLIC = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [SELF, *ASSET_ORIGINS, "'sha256-u9rFLk3AIaaexym/jzgwdw+lQPD+S9KfTcwq/FWRlFc='"],
    "img-src": [SELF, *ASSET_ORIGINS],
    "font-src": [SELF, *ASSET_ORIGINS],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
# Staff (admin and sign-in): only our own script files, plus nonces for the prose editor's
# inline import map. Styles allow inline because the admin and our admin templates use style
# attributes (a style cannot run code).
KAZCMS_CSP_STAFF = {
    "default-src": [SELF],
    "script-src": [SELF, *ASSET_ORIGINS, NONCE],
    "style-src": [SELF, *ASSET_ORIGINS, UNSAFE_INLINE],
    "img-src": [SELF, *ASSET_ORIGINS, "data:"],
    "font-src": [SELF, *ASSET_ORIGINS],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if os.environ.get("KAZCMS_CSP_REPORT_URI"):
    for policy in (KAZCMS_CSP_PUBLIC, KAZCMS_CSP_STAFF):
        policy["report-uri"] = [os.environ["KAZCMS_CSP_REPORT_URI"]]
# Report-only: browsers report violations and block nothing, for rolling out a change.
KAZCMS_CSP_REPORT_ONLY = env_bool("KAZCMS_CSP_REPORT_ONLY", False)
if KAZCMS_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": KAZCMS_CSP_PUBLIC}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": KAZCMS_CSP_PUBLIC}

# --- End of staff security --------------------------------------------------------------

# --- Go live: anonymous page cache, public Cache-Control, ETags (kazcms/page_cache.py) -------
# First in the stack, so a hit skips every other middleware; ETags are computed after gzip.
MIDDLEWARE.insert(0, "kazcms.page_cache.PageCacheMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("kazcms.middleware.TextGZipMiddleware"),
    "django.middleware.http.ConditionalGetMiddleware",
)
# Seconds an anonymous page is kept (capped at the next scheduled publication); 0: no cache.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
KAZCMS_PAGE_CACHE_ALIAS = "pages"
# How long a process trusts the content version it read (articles.models.site): a change made
# by another process or node shows within this (a change in the process itself at once).
KAZCMS_CONTENT_VERSION_SECONDS = float(os.environ.get("CONTENT_VERSION_SECONDS", "1"))
# What browsers and CDNs may keep: short, so they too show a change within 2 seconds; ETags
# make their revalidations 304s.
KAZCMS_PUBLIC_CACHE_CONTROL = os.environ.get(
    "PUBLIC_CACHE_CONTROL", "public, max-age=1, stale-while-revalidate=1"
)
# --- End of go live ------------------------------------------------------------------------

# --- Background work: django-tasks (README "Background work") -------------------------------
# One API (the backport of Django 6.0's django.tasks), three ways to run it, chosen by
# KAZCMS_TASKS: "database" (default: a queue table, `manage.py db_worker`, nothing else to
# install), "redis" (RQ on KAZCMS_TASKS_REDIS_URL, `manage.py rqworker --with-scheduler --job-class
# django_tasks_rq.Job`, for a pool of workers), "immediate" (run inside the request: `make run`,
# tests).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
KAZCMS_TASKS = os.environ.get("KAZCMS_TASKS", "database").strip().lower()
TASK_BACKENDS = {
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "redis": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if KAZCMS_TASKS not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"KAZCMS_TASKS must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": TASK_BACKENDS[KAZCMS_TASKS]}
if KAZCMS_TASKS == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("KAZCMS_TASKS_REDIS_URL")
            or os.environ.get("REDIS_URL")
            or "redis://127.0.0.1:6379/1",
            "DEFAULT_TIMEOUT": 600,
        }
    }
# Mailings (newsletter/sending.py): messages per batch task, one SMTP session each.
KAZCMS_MAILING_BATCH_SIZE = int(os.environ.get("KAZCMS_MAILING_BATCH_SIZE", "200"))
# Batches of one mailing in flight at once (one per worker process meant to send it), and
# how long a batch's claim lasts before a restarted worker may take its unsent deliveries.
KAZCMS_MAILING_PARALLEL = int(os.environ.get("KAZCMS_MAILING_PARALLEL", "2"))
KAZCMS_MAILING_CLAIM_SECONDS = int(os.environ.get("KAZCMS_MAILING_CLAIM_SECONDS", "600"))
# The mail server mailings go through (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the start, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))  # a stuck server fails the batch
# An address readers' mail providers may also unsubscribe by mail (List-Unsubscribe mailto).
KAZCMS_NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get("KAZCMS_NEWSLETTER_UNSUBSCRIBE_MAILTO", "")

# --- End of background work -----------------------------------------------------------------

# --- Robustness: limits real pieces fit in (issue 15) -------------------------------------
# Sized for the largest real pieces, so no editor meets them: an interview of 500 questions
# and answers (8 fields each, plus the piece's own ~150) and 20 MB of text. Beyond them the
# admin says what to shorten (kazcms.errors.bad_request) and the browser keeps a local copy
# of the form (static/kazcms/form_backup.js). deploy/nginx.conf lets bodies this large through.
KAZCMS_MAX_SEGMENTS = 500
DATA_UPLOAD_MAX_NUMBER_FIELDS = KAZCMS_MAX_SEGMENTS * 8 + 1000
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# --- End of robustness ---------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The segment position constraint is deferred on PostgreSQL; SQLite relies on the form check.
SILENCED_SYSTEM_CHECKS = ["models.W038"]
# HSTS preload stays off until an operator opts in (SECURE_HSTS_PRELOAD=1): W021 is that choice.
if not DEBUG and not KAZCMS_INSECURE_HTTP and not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Interface languages: our catalogues, and British date formats for the English edition.
FORMAT_MODULE_PATH = ["kazcms.formats"]
LOCALE_PATHS = [BASE_DIR / "kazcms" / "locale"]
