from django.apps import AppConfig


class ProctoringConfig(AppConfig):
    name = "proctoring"
    default_auto_field = "django.db.models.BigAutoField"
