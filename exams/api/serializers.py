"""Output shapes shared by several API views."""

from rest_framework import serializers


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
        child=serializers.IntegerField(), allow_null=True, help_text="[20% left, 5% left]"
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
