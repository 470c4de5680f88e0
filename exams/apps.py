from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Default the app's settings, and register its Celery tasks: services queue them by
        name (exams.broker)."""
        from exams.conf import settings_defaults

        settings_defaults(
            EXAMS_ANSWER_GRACE_SECONDS=10,
            EXAMS_COURSE_DIRECTORY="exams.integrations.LocalCourseDirectory",
        )
        from exams import tasks  # noqa: F401
