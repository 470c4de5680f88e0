"""Provider backends, chosen per course by name from settings.PROCTORING_PROVIDERS."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from proctoring.exceptions import UnknownProvider
from proctoring.providers.base import ProctoringProvider


@cache
def get_provider(name: str) -> ProctoringProvider:
    """The configured provider called `name`; raise UnknownProvider if there is none."""
    options = settings.PROCTORING_PROVIDERS.get(name)
    if options is None:
        raise UnknownProvider()
    provider_class = import_string(str(options["BACKEND"]))
    provider: ProctoringProvider = provider_class(name, options)
    return provider


def provider_names() -> list[str]:
    return sorted(settings.PROCTORING_PROVIDERS)
