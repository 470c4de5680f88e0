"""The attempt's writes (the lifecycle's moves by name, answers, expiry, retakes, reviews). Views,
tasks, admin actions and other apps call these; features in folders of their own (allowances,
course settings) have their own services."""

from exams.services.answers import answer_save
from exams.services.attempts import (
    attempt_continue,
    attempt_create,
    attempt_error,
    attempt_mark_ready,
    attempt_resume,
    attempt_setup_begin,
    attempt_start,
    attempt_stop,
    attempt_submit,
)
from exams.services.expiry import (
    attempt_expire,
    attempt_refresh,
    attempts_expire_batch,
    attempts_expire_overdue,
)
from exams.services.retakes import attempt_clear, attempt_practice_reset
from exams.services.reviews import attempt_review_result, attempt_session_submitted

__all__ = [
    "answer_save",
    "attempt_clear",
    "attempt_continue",
    "attempt_create",
    "attempt_error",
    "attempt_expire",
    "attempt_mark_ready",
    "attempt_practice_reset",
    "attempt_refresh",
    "attempt_resume",
    "attempt_review_result",
    "attempt_session_submitted",
    "attempt_setup_begin",
    "attempt_start",
    "attempt_stop",
    "attempt_submit",
    "attempts_expire_batch",
    "attempts_expire_overdue",
]
