"""The deploy check warns when LTI's cache is not shared between processes."""

from lti.checks import check_shared_cache


def test_a_process_local_cache_is_warned_about(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    (warning,) = check_shared_cache()

    assert warning.id == "lti.W001"


def test_a_shared_cache_passes(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}

    assert check_shared_cache() == []
