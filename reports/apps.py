from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Default the app's settings, and register its Celery tasks: services queue them by
        name (exams.broker)."""
        from exams.conf import settings_defaults

        settings_defaults(
            REPORTS_LINK_MAX_AGE_SECONDS=300,
            REPORTS_STALE_SECONDS=120,
            REPORTS_RETENTION_DAYS=30,
        )
        from reports import tasks  # noqa: F401
