"""Django settings. Everything that differs between machines comes from the environment (config.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from jineng import config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _report_bad_configuration(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    # A bad environment is the operator's to fix, not a bug: say which variable, skip the traceback.
    if issubclass(kind, ImproperlyConfigured) and str(exc).startswith("配置错误"):
        sys.stderr.write(f"{exc}\n（启动已中止。请修改环境变量后重试，变量说明见 .env.example）\n")
    else:
        sys.__excepthook__(kind, exc, tb)


try:
    CONF = config.load(BASE_DIR)
except ImproperlyConfigured:
    # Raised on, so gunicorn, celery and pytest see the failure; only an uncaught one (manage.py)
    # reaches the hook.
    sys.excepthook = _report_bad_configuration
    raise

SECRET_KEY = CONF.secret_key
DEBUG = CONF.debug
ALLOWED_HOSTS = CONF.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONF.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "jineng.core",
    "jineng.audit",
    "jineng.regions",
    "jineng.orgs",
    "jineng.accounts",
    "jineng.people",
    "jineng.workcal",
    "jineng.catalogue",
    "jineng.training",
    "jineng.supervision",
    "jineng.assessment",
    "jineng.vouchers",
    "jineng.ledger",
    "jineng.claims",
    "jineng.recovery",
    "jineng.targets",
    "jineng.progress",
    "jineng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jineng.core.middleware.api_error_envelope",
    "jineng.core.middleware.reject_nul",
]

ROOT_URLCONF = "jineng.urls"
WSGI_APPLICATION = "jineng.wsgi.application"

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
                "jineng.core.context.navigation",
            ],
        },
    },
]

if CONF.database_url:
    DATABASES = {
        "default": dj_database_url.parse(CONF.database_url, conn_max_age=60, conn_health_checks=True)
    }
else:
    CONF.var_dir.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(CONF.var_dir / "jineng.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue instead of failing half-way with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONF.var_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if CONF.mode == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The embedded mode serves static files straight from the app folders, no collectstatic step.
WHITENOISE_USE_FINDERS = CONF.mode != "production"
WHITENOISE_AUTOREFRESH = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONF.mode == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if CONF.secure_proxy:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Celery: eager in-process in the embedded default; a Redis broker and real workers in production.
# "localhost" only to keep kombu from warning that the in-memory transport has no host name.
CELERY_BROKER_URL = CONF.redis_url or "memory://localhost/"
CELERY_RESULT_BACKEND = CONF.redis_url or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = CONF.celery_eager
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 24 * 3600
# Periodic work, run by `celery -A jineng.celery beat` next to the worker. Each task is idempotent.
CELERY_BEAT_SCHEDULE = {
    # G01: unbound vouchers past their last valid day expire, shortly after midnight.
    "vouchers-expire-daily": {"task": "jineng.vouchers.expire", "schedule": crontab(hour=0, minute=15)},
    # The dashboard's monthly roll-up of the actuals, rebuilt from the records every 15 minutes (H03).
    "progress-refresh": {"task": "jineng.progress.refresh", "schedule": crontab(minute="*/15")},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"jineng": {"level": "INFO"}, "django.request": {"level": "ERROR"}},
}

# Demo accounts share one password, printed by `make run`; never used outside the embedded demo.
JINENG_DEMO_PASSWORD = "Jineng@2021demo"
JINENG_PAGE_SIZE = 50
CSRF_FAILURE_VIEW = "jineng.core.views.csrf_failure"
# A roster is one class: A03 caps a class far below this; the cap only stops a runaway upload.
JINENG_ROSTER_MAX_ROWS = 20_000
JINENG_ROSTER_MAX_BYTES = 20_000_000
