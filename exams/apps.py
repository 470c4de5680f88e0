from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register this app's Celery tasks: services queue them by name (exams.broker)."""
        from exams import tasks  # noqa: F401
