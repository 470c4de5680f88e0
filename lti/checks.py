"""`manage.py check --deploy`: LTI launches keep their state, nonces and used nonces in the
cache, so every web process must share it."""

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

PROCESS_LOCAL = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register("lti", deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if backend not in PROCESS_LOCAL:
        return []
    return [
        Warning(
            "The default cache is not shared between processes: an LTI login and its launch "
            "served by two processes fail, and a replayed launch is refused only by the process "
            "that saw it first.",
            hint="Set REDIS_URL (the cache then lives in Redis).",
            id="lti.W001",
        )
    ]
