"""Sessions read through the cache (`cached_db`), with a sign-out that cannot be undone.

Django's cached_db store deletes the database row, then the cached copy; the fail-soft cache
(settings/cache.py) drops a delete it cannot make, so a session signed out while Redis was
unreachable came back, from the cache, once Redis answered again. Here the cached copy of a
signed-in session goes first, strictly: while the cache cannot be reached, signing out is
refused with a 503 (settings/middleware.py) and changes nothing; a signed-in session is never
half deleted.
"""

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache.backends.redis import RedisCache

from settings.cache import UNREACHABLE


class SessionStoreUnavailable(Exception):
    message = "We could not sign you out just now. Try again in a few seconds."


class SessionStore(cached_db.SessionStore):
    def flush(self) -> None:
        if self.session_key is not None and self.get(SESSION_KEY) is not None:
            self._delete_cached_strictly(self.cache_key_prefix + self.session_key)
        super().flush()

    def _delete_cached_strictly(self, key: Any) -> None:
        cache = self._cache  # type: ignore[attr-defined]  # cached_db's own, no stub
        if not isinstance(cache, RedisCache):
            cache.delete(key)  # a local cache cannot be unreachable
            return
        try:
            RedisCache.delete(cache, key)  # past the fail-soft layer: a failure must show
        except UNREACHABLE as error:
            raise SessionStoreUnavailable() from error
