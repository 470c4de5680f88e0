from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Default the app's settings; record beat's start (in beat) and each sweep's runs (in
        the worker that ran it)."""
        from celery.signals import beat_init, task_success
        from django.conf import settings

        defaults = {
            "CELERY_BEAT_SCHEDULE": {},
            "SWEEPS_LATE_FACTOR": 3.0,
            "SWEEPS_GRACE_SECONDS": 60,
        }
        for name, value in defaults.items():
            if not hasattr(settings, name):
                setattr(settings, name, value)

        from health import checks, sweeps  # noqa: F401 (checks: registers them)

        beat_init.connect(sweeps.on_beat_init, dispatch_uid="health-beat-started", weak=False)
        task_success.connect(sweeps.on_task_success, dispatch_uid="health-sweep-ran", weak=False)
