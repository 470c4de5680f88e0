from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Default the app's settings, register its Celery tasks (services queue them by name,
        exams.broker) and the admin of the features that live in folders of their own."""
        from exams.conf import settings_defaults

        settings_defaults(
            EXAMS_ANSWER_GRACE_SECONDS=10,
            EXAMS_COURSE_DIRECTORY="exams.integrations.LocalCourseDirectory",
        )
        from exams import tasks  # noqa: F401
        from exams.allowances import admin  # noqa: F401
