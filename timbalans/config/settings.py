"""The one settings module, driven by environment variables.

* ``TIMBALANS_DATA_DIR``: where the SQLite file and uploads live (default: a per-user data
  directory from platformdirs).
* ``DATABASE_URL``: use this database instead (PostgreSQL in production).
* ``TIMBALANS_SECRET_KEY``, ``TIMBALANS_DEBUG``, ``TIMBALANS_ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
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
SECRET_KEY = os.environ.get("TIMBALANS_SECRET_KEY") or "dev-only-not-secret-" + "x" * 40
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
    "django.contrib.messages.middleware.MessageMiddleware",
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
    DATA_DIR.mkdir(parents=True, exist_ok=True)
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:overview"
LOGOUT_REDIRECT_URL = "web:login"
# Lockout: this many failed logins for one user name lock it for this many minutes.
TIMBALANS_LOGIN_MAX_FAILURES = int(os.environ.get("TIMBALANS_LOGIN_MAX_FAILURES", "5"))
TIMBALANS_LOCKOUT_MINUTES = int(os.environ.get("TIMBALANS_LOCKOUT_MINUTES", "15"))

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
SECURE_HSTS_SECONDS = int(os.environ.get("TIMBALANS_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# Preloading HSTS is a decision for the municipality's own domain, not for the application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("TIMBALANS_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
