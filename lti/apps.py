from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Default the app's settings, register its tasks, and post grades when attempts
        change (the exams app's events, no model signals)."""
        from exams import events, hooks
        from exams.conf import settings_defaults

        settings_defaults(
            # How long a retired tool key stays in the JWKS (platforms cache key sets).
            LTI_KEY_GRACE_SECONDS=7 * 24 * 3600,
            # A launch's nonce is refused again for this long (pylti1p3 keeps it a day).
            LTI_NONCE_SECONDS=25 * 3600,
            LTI_REGISTRATION_LINK_SECONDS=24 * 3600,
        )
        from lti import checks, receivers, tasks  # noqa: F401 (checks, tasks: registers them)
        from lti.grades import grade_remarks

        events.attempt_status_changed.connect(
            receivers.on_attempt_status_changed, dispatch_uid="lti-attempt-status"
        )
        hooks.register_attempt_remarks(grade_remarks)
