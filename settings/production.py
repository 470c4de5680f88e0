"""Production: the base settings behind HTTPS. `python manage.py check --deploy` is clean with
these and a real SECRET_KEY (at least 50 random characters) in the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from settings.base import *  # noqa: F403
from settings.base import PROCTORING_PROVIDERS, SIMULATED_PROVIDER_DEFAULT_SECRET

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")  # no default in production
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "settings.production needs SECRET_KEY in the environment: at least 50 random "
        "characters, kept secret (for example: python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))')."
    )

# The simulated provider accepts reviews signed with its secret: never here unless asked for
# (a staging site), and then never with the public default secret.
if os.environ.get("PROCTORING_SIMULATED") != "1":
    PROCTORING_PROVIDERS.pop("simulated", None)
elif PROCTORING_PROVIDERS["simulated"].get("SECRET") in ("", SIMULATED_PROVIDER_DEFAULT_SECRET):
    raise ImproperlyConfigured(
        "PROCTORING_SIMULATED=1 under settings.production needs SIMULATED_PROVIDER_SECRET "
        "set to a secret of your own (the default one is public)."
    )

SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
# A supervisor's or load balancer's probe asks over plain HTTP, beside the proxy: answer it.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# Behind a TLS-terminating proxy that sets this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Static files: `python manage.py collectstatic --noinput` at deploy writes hashed, compressed
# copies to STATIC_ROOT; WhiteNoise serves them with far-future cache headers.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
