"""Settings read from the environment. Every variable has a working default for `make run`."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "exams",
    "proctoring",
    "reports",
    "lti",
    "health",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, served by the app itself in development and production alike (WhiteNoise).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL in the path or query string: 404/400 before PostgreSQL sees it (a 500 otherwise).
    "settings.nul_guard.NulCharacterMiddleware",
    # A lost database connection answers 503 (JSON under /api/), not a 500 page.
    "settings.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Answers to a signed-in user are never cached (personal data, states that move on).
    "settings.private_pages.PrivateNoStoreMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "settings.security.ContentSecurityPolicyMiddleware",
    # Last: locks out repeated failed logins (django-axes).
    "axes.middleware.AxesMiddleware",
]

# Pages use only this site's own scripts and styles (no inline code).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The Django admin's widgets (autocomplete, calendar, clock) set inline styles; its scripts
# are its own files, so only styles are relaxed there.
CONTENT_SECURITY_POLICY_PATH_EXTRAS = {"/admin/": {"style-src": ["'unsafe-inline'"]}}

# Login rate limiting (django-axes): five failures for one username from one address lock that
# pair out for fifteen minutes (HTTP 429); a success clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Proxies of this deployment in front of the app (a load balancer: 1). Rate limits and the
# login lockout key on the address they saw; with none, on the connection's own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "exams.client_address.client_address"

ROOT_URLCONF = "settings.urls"
WSGI_APPLICATION = "settings.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A persistent connection is checked before a request reuses it, so one left dead by a
        # database restart is replaced instead of failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: wait for the lock instead of
    # failing, take it at the start of each transaction, and let readers run beside one writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        # A fresh checkout has no var/ yet: let `migrate` create the file.
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"
):
    # The server binds the parameters, and a statement run 5 times on a connection is prepared
    # there, so it is no longer parsed and planned on every run (that was half of PostgreSQL's
    # CPU for a learner's submit; decision 9). Off with DB_PREPARED_STATEMENTS=0, for a pooler
    # that cannot keep prepared statements. Options from DATABASE_URL (sslmode...) stay.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# The shipped languages (docs/decisions/0011-languages.md). The chosen one is kept in a cookie
# (the language switcher on every page), else taken from the browser's Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "exams" / "locale"]
# Date and time formats per language that name the time zone (settings/formats/).
FORMAT_MODULE_PATH = ["settings.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
# WhiteNoise serves /static/ in every setting. Here (make run, tests) it finds the files where
# they lie and notices edits; production serves the hashed, compressed copies that
# `collectstatic` makes (settings.production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "exams@localhost")

REST_FRAMEWORK = {
    # The app's API views bring their own parsers, authentication, permissions and error
    # handler (exams.rest.base.ApiView); drf-spectacular's views use its schema class.
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's own reading of X-Forwarded-For, for any throttle that uses it: the same count.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    # Swagger UI served from this site (no CDN), so the docs work offline and under the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "TITLE": "Special Exams API",
    "DESCRIPTION": "Timed, proctored and practice exams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Cache: Redis when configured, else this process's memory. Sessions read through it
# ("cached_db": written to the database too), so the timer poll costs no session query.
# While Redis is down the cache misses instead of failing, and sessions come from the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "settings.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        # A hung Redis must cost a request at most about a second, not redis-py's default wait.
        "OPTIONS": {"socket_timeout": 1.0, "socket_connect_timeout": 1.0},
    }
SESSION_ENGINE = "settings.sessions"  # cached_db, with a sign-out that cannot be undone

# Celery. `make run` uses kombu's filesystem transport so no Redis is needed; production and the
# test suite set CELERY_BROKER_URL (or REDIS_URL) to Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport does not create its folders; the web process and the worker
    # both need them (the control folder would otherwise be made relative to the working dir).
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A hung Redis (up, but answering nothing) must cost a request that queues a task about a
    # second, as a dead one does: bounded connect, reads and publish retries. The worker's
    # own BRPOP runs on its event loop, not on these blocking reads.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
# One retry: a pooled connection that broke while Redis restarted is replaced once.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# The one beat schedule of the project.
CELERY_BEAT_SCHEDULE = {
    "expire-overdue-attempts": {
        "task": "exams.attempts_expire_overdue",
        "schedule": float(os.environ.get("EXPIRY_SWEEP_SECONDS", "30")),
    },
    "process-pending-callbacks": {
        "task": "proctoring.callbacks_process_pending",
        "schedule": 60.0,
    },
    "open-missing-sessions": {"task": "proctoring.sessions_open_missing", "schedule": 60.0},
    "apply-held-reviews": {"task": "proctoring.reviews_apply_held_missing", "schedule": 60.0},
    "send-missing-review-emails": {
        "task": "proctoring.review_emails_send_missing",
        "schedule": 300.0,
    },
    "recover-report-jobs": {"task": "reports.reports_recover", "schedule": 60.0},
    "purge-old-reports": {"task": "reports.reports_purge", "schedule": 3600.0},
    "post-lti-grades": {"task": "lti.grades_sweep", "schedule": 60.0},
}
# /health/sweeps/ and `manage.py sweeps_check` call a sweep late once its last run is older
# than this many intervals plus this many seconds (beat stopped, or no worker runs them).
SWEEPS_LATE_FACTOR = float(os.environ.get("SWEEPS_LATE_FACTOR", "3"))
SWEEPS_GRACE_SECONDS = int(os.environ.get("SWEEPS_GRACE_SECONDS", "60"))

# Exams
# Writes of answers are accepted this many seconds past the deadline, for requests in flight.
EXAMS_ANSWER_GRACE_SECONDS = int(os.environ.get("EXAMS_ANSWER_GRACE_SECONDS", "10"))
# Where courses, enrollments and roles come from; a host LMS points this at its own adapter.
EXAMS_COURSE_DIRECTORY = os.environ.get(
    "EXAMS_COURSE_DIRECTORY", "exams.integrations.LocalCourseDirectory"
)

# Proctoring providers, chosen per course by name. Secrets come from the environment.
PROCTORING_PROVIDERS: dict[str, dict[str, object]] = {
    "null": {"BACKEND": "proctoring.providers.null.NullProvider"},
}
# The simulated vendor (proctoring/simulated) is the demo's and the tests' provider: on here
# unless PROCTORING_SIMULATED=0. settings.production leaves it out unless PROCTORING_SIMULATED=1,
# and then refuses to start with this public default secret.
SIMULATED_PROVIDER_DEFAULT_SECRET = "simulated-provider-secret"
if os.environ.get("PROCTORING_SIMULATED", "1") == "1":
    PROCTORING_PROVIDERS["simulated"] = {
        "BACKEND": "proctoring.providers.simulated.SimulatedProvider",
        "SECRET": os.environ.get("SIMULATED_PROVIDER_SECRET", SIMULATED_PROVIDER_DEFAULT_SECRET),
    }
if os.environ.get("REST_PROVIDER_BASE_URL"):
    PROCTORING_PROVIDERS["rest"] = {
        "BACKEND": "proctoring.providers.rest.RestProvider",
        "BASE_URL": os.environ["REST_PROVIDER_BASE_URL"],
        "TOKEN": os.environ.get("REST_PROVIDER_TOKEN", ""),
        "SECRET": os.environ.get("REST_PROVIDER_SECRET", ""),
    }
# Where providers send callbacks (sent to them when a session opens).
PROCTORING_CALLBACK_BASE_URL = os.environ.get(
    "PROCTORING_CALLBACK_BASE_URL", "http://127.0.0.1:8000"
)
# The simulated vendor calls back this base URL; empty: the host the learner's browser used.
SIMULATED_PROVIDER_CALLBACK_BASE_URL = os.environ.get("SIMULATED_PROVIDER_CALLBACK_BASE_URL", "")
PROCTORING_CALLBACK_MAX_BYTES = 64 * 1024
# Refused callbacks kept (for support to read) per provider per minute; more are only logged.
PROCTORING_REJECTED_KEPT_PER_MINUTE = int(
    os.environ.get("PROCTORING_REJECTED_KEPT_PER_MINUTE", "60")
)
# Callbacks accepted per provider and sending address per minute; more answer 429.
PROCTORING_CALLBACK_RATE_PER_MINUTE = int(
    os.environ.get("PROCTORING_CALLBACK_RATE_PER_MINUTE", "600")
)

# Reports
REPORTS_LINK_MAX_AGE_SECONDS = min(300, int(os.environ.get("REPORTS_LINK_MAX_AGE_SECONDS", "300")))
# A running report with no sign of life for this long is taken to have lost its worker.
REPORTS_STALE_SECONDS = int(os.environ.get("REPORTS_STALE_SECONDS", "120"))
REPORTS_RETENTION_DAYS = int(os.environ.get("REPORTS_RETENTION_DAYS", "30"))

# LTI 1.3 tool
# A retired tool key stays in /lti/jwks/ this long (platforms cache key sets).
LTI_KEY_GRACE_SECONDS = int(os.environ.get("LTI_KEY_GRACE_SECONDS", str(7 * 24 * 3600)))
# A launch's nonce is refused again for this long: longer than pylti1p3 keeps it (a day).
LTI_NONCE_SECONDS = int(os.environ.get("LTI_NONCE_SECONDS", str(25 * 3600)))
# A Dynamic Registration link (manage.py lti_registration_url) works this long.
LTI_REGISTRATION_LINK_SECONDS = int(os.environ.get("LTI_REGISTRATION_LINK_SECONDS", "86400"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
