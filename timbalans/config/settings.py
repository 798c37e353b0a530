"""The one settings module, driven by environment variables.

* ``TIMBALANS_DATA_DIR``: where the SQLite file and uploads live (default: a per-user data
  directory from platformdirs).
* ``DATABASE_URL``: use this database instead (PostgreSQL in production).
* ``TIMBALANS_SECRET_KEY``, ``TIMBALANS_DEBUG``, ``TIMBALANS_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from platformdirs import user_data_dir


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("TIMBALANS_DATA_DIR") or user_data_dir("timbalans"))

DEBUG = env_bool("TIMBALANS_DEBUG", False)

NO_SECRET_KEY = (
    "TIMBALANS_SECRET_KEY saknas. Med PostgreSQL (DATABASE_URL) och utan TIMBALANS_DEBUG "  # noqa: S105
    "måste den hemliga nyckeln anges, samma i alla serverprocesser; se docs/operations.md."
)


def secret_key_kept_in(data_dir: Path) -> str:
    """The key kept in ``data_dir/secret_key``, made at random on first use and readable by
    its owner only, so the one-command demo runs without a key written in the code.

    The file is written whole under another name and linked into place, so a second process
    starting at the same moment reads either nothing (and links its own) or the whole key.
    """
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")  # mode 0600
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


if os.environ.get("TIMBALANS_SECRET_KEY"):
    SECRET_KEY = os.environ["TIMBALANS_SECRET_KEY"]
elif os.environ.get("DATABASE_URL", "").startswith("postgres") and not DEBUG:
    raise ImproperlyConfigured(NO_SECRET_KEY)
else:
    SECRET_KEY = secret_key_kept_in(DATA_DIR)
ALLOWED_HOSTS = env_list("TIMBALANS_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "timbalans.records",
    "timbalans.accounts",
    "timbalans.rostering",
    "timbalans.web",
    "timbalans.plans",
    "timbalans.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "timbalans.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "timbalans.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "timbalans.web.upload_limits.UploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "timbalans.config.urls"
WSGI_APPLICATION = "timbalans.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)  # the database is personal data
    # SQLite has one writer at a time. Writes queue instead of failing: every transaction
    # takes the write lock when it begins (IMMEDIATE; a deferred one that read first fails
    # at once with "database is locked" when another writer committed meanwhile) and waits
    # for it up to the timeout (seconds), e.g. a login or an undo behind an import. WAL lets
    # the pages read while a write is under way.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "timbalans.sqlite3"),
            "OPTIONS": {
                "timeout": int(os.environ.get("TIMBALANS_SQLITE_TIMEOUT", "60")),
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every password login (the app's form, the admin's) passes the one lockout in the first
# backend; the second is single sign-on, which does nothing unless TIMBALANS_OIDC is on.
AUTHENTICATION_BACKENDS = [
    "timbalans.accounts.backends.ThrottledModelBackend",
    "timbalans.accounts.oidc.OIDCBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:overview"
LOGOUT_REDIRECT_URL = "web:login"
# Lockout: this many failed logins for one user name lock it for this many minutes.
TIMBALANS_LOGIN_MAX_FAILURES = int(os.environ.get("TIMBALANS_LOGIN_MAX_FAILURES", "5"))
TIMBALANS_LOCKOUT_MINUTES = int(os.environ.get("TIMBALANS_LOCKOUT_MINUTES", "15"))

# Bounds of one import (docs/operations.md, "Import limits"); the defaults pass a national
# data set (25.4 million rows, about 1.6 GB as CSV). An upload past its bound is refused
# before Django reads it; a file past the others before it is read or inflated in full.
MB = 1024 * 1024
# The figure tables too slow for a page (the staffing backtest): computed per data version in
# a thread of the web process ("background"), at once ("inline": the tests) or never ("off").
TIMBALANS_PRECOMPUTE = os.environ.get("TIMBALANS_PRECOMPUTE", "background")
TIMBALANS_UPLOAD_MAX_BYTES = int(os.environ.get("TIMBALANS_UPLOAD_MAX_MB", "512")) * MB
TIMBALANS_IMPORT_MAX_FILES = int(os.environ.get("TIMBALANS_IMPORT_MAX_FILES", "100"))
TIMBALANS_IMPORT_MAX_FILE_BYTES = int(os.environ.get("TIMBALANS_IMPORT_MAX_FILE_MB", "4096")) * MB
TIMBALANS_IMPORT_MAX_BYTES = int(os.environ.get("TIMBALANS_IMPORT_MAX_MB", "8192")) * MB
TIMBALANS_IMPORT_MAX_RATIO = float(os.environ.get("TIMBALANS_IMPORT_MAX_RATIO", "100"))
TIMBALANS_IMPORT_MAX_ROWS = int(os.environ.get("TIMBALANS_IMPORT_MAX_ROWS", "50000000"))
# Django's own guards on a request body: form fields besides the files (its default), an
# uploaded file kept in memory up to this size and in a temporary file beyond it, and the
# number of files in one request (the import's bound, so the import page says so in Swedish).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = TIMBALANS_IMPORT_MAX_FILES

LANGUAGE_CODE = "sv"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The app serves its own scripts, styles and fonts (no CDN): WhiteNoise straight from the apps'
# static folders, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Everything comes from this server; inline SVG charts carry style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("TIMBALANS_SSL_REDIRECT", False)
# Health checks come over plain HTTP from inside the host or the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# Behind an HTTPS proxy that sets X-Forwarded-Proto (and strips it from clients): without
# this, the HTTPS redirect would loop.
if env_bool("TIMBALANS_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("TIMBALANS_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# Preloading HSTS is a decision for the municipality's own domain, not for the application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without a request, and after this long whatever the use
# (timbalans.accounts.middleware); the cookie lives no longer than the second.
TIMBALANS_SESSION_IDLE_MINUTES = int(os.environ.get("TIMBALANS_SESSION_IDLE_MINUTES", "30"))
TIMBALANS_SESSION_MAX_HOURS = int(os.environ.get("TIMBALANS_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = TIMBALANS_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_SECURE = env_bool("TIMBALANS_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Server errors (a 500's traceback), the background jobs' failures and warnings go to standard
# error, where Waitress, systemd and docker collect them; with TIMBALANS_LOG_FILE also to that
# file. Django's default sends them nowhere when DEBUG is off.
LOG_LEVEL = os.environ.get("TIMBALANS_LOG_LEVEL", "INFO").upper()
LOGGING: dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {process:d}: {message}", "style": "{"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"level": "WARNING", "propagate": True},
        # A 404 is a warning of django.request: not worth a line each.
        "django.request": {"level": "ERROR", "propagate": True},
        "timbalans": {"level": LOG_LEVEL, "propagate": True},
    },
}
if os.environ.get("TIMBALANS_LOG_FILE"):
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": os.environ["TIMBALANS_LOG_FILE"],
        "formatter": "plain",
    }
    LOGGING["root"]["handlers"].append("file")

# Single sign-on through the municipality's OpenID Connect provider (timbalans.accounts.oidc,
# docs/operations.md). The provider's endpoints are given one by one (no discovery at start).
TIMBALANS_OIDC = env_bool("TIMBALANS_OIDC", False)
TIMBALANS_OIDC_ISSUER = os.environ.get("TIMBALANS_OIDC_ISSUER", "")
TIMBALANS_OIDC_USERNAME_CLAIM = os.environ.get(
    "TIMBALANS_OIDC_USERNAME_CLAIM", "preferred_username"
)
TIMBALANS_OIDC_ROLE_CLAIM = os.environ.get("TIMBALANS_OIDC_ROLE_CLAIM", "timbalans_role")
TIMBALANS_OIDC_UNITS_CLAIM = os.environ.get("TIMBALANS_OIDC_UNITS_CLAIM", "timbalans_units")
# "provider-group=role,..."; a claim value not in the map is taken as a role name.
TIMBALANS_OIDC_ROLE_MAP = dict(
    pair.split("=", 1) for pair in env_list("TIMBALANS_OIDC_ROLE_MAP", "") if "=" in pair
)
OIDC_RP_CLIENT_ID = os.environ.get("TIMBALANS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("TIMBALANS_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("TIMBALANS_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("TIMBALANS_OIDC_SCOPES", "openid profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("TIMBALANS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("TIMBALANS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("TIMBALANS_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("TIMBALANS_OIDC_JWKS_ENDPOINT", "")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/logga-in/?sso=fel"
