from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Record each sweep's runs as the worker finishes them."""
        from celery.signals import task_success

        from health import sweeps

        task_success.connect(sweeps.on_task_success, dispatch_uid="health-sweep-ran", weak=False)
