"""The fail-soft Redis cache keeps one redis client per connection pool."""

from settings.cache import FailSoftRedisCache


def test_every_cache_call_reuses_one_client():
    cache = FailSoftRedisCache("redis://127.0.0.1:6379/0", {})

    first = cache._cache.get_client("a")
    again = cache._cache.get_client("b")

    assert first is again
