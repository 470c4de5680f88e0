from django.apps import AppConfig


class ProctoringConfig(AppConfig):
    name = "proctoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect to the exams app's events and extension points (no model signals)."""
        from exams import events, hooks
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
