"""The settings the apps read have defaults of their own, so a host project that installs
them sets only what it wants to change (README, "As a plugin")."""

from typing import Any

from django.conf import settings


def settings_defaults(**defaults: Any) -> None:
    """Give each of these settings its default where the host project sets none."""
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
