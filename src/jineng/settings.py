"""Django settings. Everything that differs between machines comes from the environment (config.py)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from types import TracebackType

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
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
    # First, so that its changepassword / createsuperuser replace django.contrib.auth's: every account
    # change goes through accounts.services and leaves an audit event.
    "jineng.accounts",
    "jineng.core.admin_config.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # ninja in the apps: /api/v1/docs then loads Swagger UI from its own static files, not from a CDN
    # that a bureau's network cannot reach.
    "ninja",
    "axes",
    "csp",
    "jineng.core",
    "jineng.outbox",
    "jineng.audit",
    "jineng.regions",
    "jineng.orgs",
    "jineng.people",
    "jineng.workcal",
    "jineng.catalogue",
    "jineng.training",
    "jineng.online",
    "jineng.supervision",
    "jineng.assessment",
    # Issue 16: the one certificate register (every route) and the public certificate check.
    "jineng.certificates",
    "jineng.signoffs",
    "jineng.vouchers",
    "jineng.wagetraining",
    "jineng.grants",
    "jineng.evalsubsidy",
    "jineng.apprenticeship",
    "jineng.ledger",
    "jineng.claims",
    "jineng.recovery",
    "jineng.targets",
    "jineng.progress",
    "jineng.appraisal",
    "jineng.home",
    "jineng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
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
    # Last, as django-axes asks: it turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
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
# The owner role's connection, used by `manage.py migrate` only (jineng.core.dbroles).
DATABASE_OWNER_URL = CONF.database_owner_url

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "core:login"

# Every way an account gets a password goes through these: accounts.services.user_create (and so the
# demo), the user manager (createsuperuser, create_user), the admin's forms and `changepassword`.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jineng.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jineng.accounts.passwords.LettersAndDigitsValidator"},
]

# Brute-force protection (django-axes): the first backend refuses a login while its username or its
# address is locked; the second is Django's own.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked when either count reaches the limit within the cool-off: failures for one username from any
# address (one account sprayed from many machines), or failures from one address for any usernames
# (one machine trying many accounts).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Each try while locked starts the cool-off again, so "N 分钟后再试" counts from the last try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "jineng.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "jineng.accounts.lockout.client_ip"
# Behind the TLS proxy the client's address is the one nginx appends to X-Forwarded-For; otherwise the
# header is the client's own word and is ignored.
JINENG_CLIENT_IP_FROM_PROXY = CONF.secure_proxy

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONF.var_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # htmx and ECharts from node_modules: only the files the pages load (core/staticfinders.py).
    "jineng.core.staticfinders.VendorFinder",
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
# Content-Security-Policy (django-csp) on every response. Scripts only from this site's own files: no
# inline script, no event-handler attribute, no eval — the pages' scripts are static files. Styles
# allow 'unsafe-inline': ECharts' tooltips, Swagger UI and htmx write style attributes and elements at
# run time, and an inline style cannot run code; the whole page still loads nothing from elsewhere.
# Images allow data: URIs (Swagger UI's stylesheet has its icons inline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
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

# 18.11: the public notice's CAPTCHA (4 letters, 10 minutes) and the objection allowance per address,
# counted in the cache: Redis in production, so that every worker counts the same. The embedded mode (one
# process) keeps the per-process cache even with REDIS_URL set: the suite's processes must not share one
# address's allowance, nor empty the broker's database when a test clears the cache.
INSTALLED_APPS += ["captcha"]
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10
CAPTCHA_2X_IMAGE = False
if CONF.redis_url and CONF.mode == "production":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONF.redis_url,
            "KEY_PREFIX": "jineng",
        }
    }

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
# A request never waits on a broker that is down: the outbox (jineng.outbox) sends over its own connection
# that gives up within JINENG_OUTBOX_SEND_TIMEOUT_SECONDS, and this bounds kombu's connection retries elsewhere.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Periodic work, run by `celery -A jineng.celery beat` next to the worker. Each task is idempotent.
CELERY_BEAT_SCHEDULE = {
    # G01: unbound vouchers past their last valid day expire, shortly after midnight.
    "vouchers-expire-daily": {"task": "jineng.vouchers.expire", "schedule": crontab(hour=0, minute=15)},
    # The dashboard's monthly roll-up of the actuals, rebuilt from the records every 15 minutes (H03).
    "progress-refresh": {"task": "jineng.progress.refresh", "schedule": crontab(minute="*/15")},
    # The outbox watchdog: sends again what the broker did not take or a worker did not finish, fails
    # with a message what cannot finish (jineng.outbox.services). Also `manage.py outbox_watchdog`.
    "outbox-watchdog": {"task": "jineng.outbox.watchdog", "schedule": 60.0},
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
JINENG_MODE = CONF.mode
JINENG_DEMO_PASSWORD = "Jineng@2021demo"
JINENG_PAGE_SIZE = 50
CSRF_FAILURE_VIEW = "jineng.core.views.csrf_failure"
# A request body held in memory: a batch of 10,000 learning events (POST /api/v1/online/events) is
# about 1.8 MB of compact JSON, 3–4 MB indented; Django's default 2.5 MB refused the latter with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# A roster is one class: A03 caps a class far below this; the cap only stops a runaway upload.
JINENG_ROSTER_MAX_ROWS = 20_000
JINENG_ROSTER_MAX_BYTES = 20_000_000
# Every uploaded spreadsheet is checked against these before it is parsed (jineng.core.uploads):
# together they keep a parse of the largest file allowed well under 300 MB of memory.
JINENG_UPLOAD_MAX_BYTES = config.env_int("JINENG_UPLOAD_MAX_BYTES", 20_000_000, minimum=1)
JINENG_UPLOAD_MAX_UNCOMPRESSED = config.env_int("JINENG_UPLOAD_MAX_UNCOMPRESSED", 50_000_000, minimum=1)
JINENG_UPLOAD_MAX_ROWS = config.env_int("JINENG_UPLOAD_MAX_ROWS", 100_000, minimum=1)
JINENG_UPLOAD_MAX_COLUMNS = config.env_int("JINENG_UPLOAD_MAX_COLUMNS", 200, minimum=1)
JINENG_UPLOAD_MAX_CELLS = config.env_int("JINENG_UPLOAD_MAX_CELLS", 1_000_000, minimum=1)
