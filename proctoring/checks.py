"""`manage.py check --deploy`: a provider that accepts callbacks must have a secret of its own."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

# Secrets published in this project's code; a deployment that keeps one accepts forged reviews.
PUBLIC_SECRETS = {getattr(settings, "SIMULATED_PROVIDER_DEFAULT_SECRET", ""), ""}


@register("security", deploy=True)
def check_provider_secrets(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for name, options in settings.PROCTORING_PROVIDERS.items():
        if "SECRET" not in options:
            continue  # a provider that receives no callbacks (null)
        secret = str(options.get("SECRET") or "")
        if secret in PUBLIC_SECRETS:
            errors.append(
                Error(
                    f"Proctoring provider {name!r} has a missing or default callback secret: "
                    "anyone could sign its callbacks, reviews included.",
                    hint="Set the provider's secret in the environment to a random value "
                    "agreed with the vendor (at least 32 characters).",
                    id="proctoring.E001",
                )
            )
    return errors
