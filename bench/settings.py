"""Settings for the benchmark server: the app's own, plus a bare one-row view to compare with."""

from settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
# Keep database connections between requests, as production does (DB_CONN_MAX_AGE).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
