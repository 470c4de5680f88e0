from django.apps import AppConfig


class ProctoringConfig(AppConfig):
    name = "proctoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Default the app's settings; connect to the exams app's events and extension points
        (no model signals)."""
        from exams import events, hooks
        from exams.conf import settings_defaults

        settings_defaults(
            PROCTORING_PROVIDERS={"null": {"BACKEND": "proctoring.providers.null.NullProvider"}},
            PROCTORING_CALLBACK_BASE_URL="http://127.0.0.1:8000",
            PROCTORING_CALLBACK_MAX_BYTES=64 * 1024,
            PROCTORING_REJECTED_KEPT_PER_MINUTE=60,
            PROCTORING_CALLBACK_RATE_PER_MINUTE=600,
        )
        from proctoring import checks, receivers, tasks  # noqa: F401 (checks, tasks: registers them)
        from proctoring.services.reviews import review_hand_decide
        from proctoring.services.sessions import learner_ui_for

        events.attempt_status_changed.connect(
            receivers.on_attempt_status_changed, dispatch_uid="proctoring-attempt-status"
        )
        hooks.register_proctoring_ui(learner_ui_for)
        hooks.register_hand_review(review_hand_decide)
        # Support staff read reviews (on the attempt's page too), deliveries and sessions.
        hooks.register_support_permissions(
            "proctoring",
            {
                "review": ("view",),
                "callbackdelivery": ("view",),
                "providersession": ("view",),
                "providerexam": ("view",),
            },
        )
