"""Output shapes shared by several API views."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from exams.selectors.learner import AttemptSummary


class AttemptOutput(serializers.Serializer):
    """An attempt as its learner sees it; every response carries the server's clock."""

    id = serializers.IntegerField()
    exam_id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    attempt_code = serializers.CharField()
    taking_as_proctored = serializers.BooleanField()
    is_sample_attempt = serializers.BooleanField()
    is_timed = serializers.BooleanField()
    started_at = serializers.DateTimeField(allow_null=True)
    deadline_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    server_time = serializers.DateTimeField()
    time_remaining_seconds = serializers.IntegerField(allow_null=True)
    allowed_seconds = serializers.IntegerField(allow_null=True)
    allowed_minutes = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    warning_seconds = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        # xgettext:no-python-format
        help_text=_("[20% left, 5% left]"),
    )
    cut_by_due_date = serializers.BooleanField()
    paused_remaining_seconds = serializers.IntegerField(allow_null=True)
    review_result = serializers.CharField(allow_null=True)
    score_percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class ExamOutput(serializers.Serializer):
    id = serializers.IntegerField(source="exam.id")
    name = serializers.CharField(source="exam.name")
    exam_type = serializers.CharField(source="exam.exam_type")
    time_limit_minutes = serializers.IntegerField(source="exam.time_limit_minutes", allow_null=True)
    due_at = serializers.DateTimeField(source="exam.due_at", allow_null=True)
    review_rules = serializers.CharField(source="exam.review_rules")
    is_closed = serializers.BooleanField()
    is_verified = serializers.BooleanField()
    offers = serializers.ListField(
        child=serializers.ChoiceField(choices=["start", "proctored", "opt_out", "open"])
    )
    attempt = AttemptOutput(allow_null=True)


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _decimal(value: Decimal | None, places: str) -> str | None:
    return None if value is None else str(value.quantize(Decimal(places)))


def attempt_output(summary: AttemptSummary) -> dict[str, Any]:
    """AttemptOutput's data, built directly: DRF copies every declared field per call, which is
    most of the timer poll's cost. tests/exams/api/test_serializers.py keeps both identical."""
    return {
        "id": summary.id,
        "exam_id": summary.exam_id,
        "status": summary.status,
        "status_label": summary.status_label,
        "attempt_code": summary.attempt_code,
        "taking_as_proctored": summary.taking_as_proctored,
        "is_sample_attempt": summary.is_sample_attempt,
        "is_timed": summary.is_timed,
        "started_at": _time(summary.started_at),
        "deadline_at": _time(summary.deadline_at),
        "completed_at": _time(summary.completed_at),
        "server_time": _time(summary.server_time),
        "time_remaining_seconds": summary.time_remaining_seconds,
        "allowed_seconds": summary.allowed_seconds,
        "allowed_minutes": _decimal(summary.allowed_minutes, "0.01"),
        "warning_seconds": list(summary.warning_seconds) if summary.warning_seconds else None,
        "cut_by_due_date": summary.cut_by_due_date,
        "paused_remaining_seconds": summary.paused_remaining_seconds,
        "review_result": summary.review_result,
        "score_percent": _decimal(summary.score_percent, "0.1"),
        "passed": summary.passed,
    }
