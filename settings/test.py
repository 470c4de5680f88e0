"""Settings for the test suite: the base settings with fast hashing and quiet logs."""

from settings.base import *  # noqa: F403
from settings.base import LOGGING

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]
# Tasks run in the test process; tests of the real worker start one with settings.base.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Login lockout is tested on purpose (tests/security); elsewhere tests log in freely.
AXES_ENABLED = False
