"""Project package: settings, URLs, the Celery app and the WSGI entry point. Wiring only."""

from settings.celery import app as celery_app

__all__ = ["celery_app"]
