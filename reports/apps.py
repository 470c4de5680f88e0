from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register this app's Celery tasks: services queue them by name (exams.broker)."""
        from reports import tasks  # noqa: F401
