"""What the OpenAPI schema says about input that the services check.

The services are the one place that checks these rules, with their own codes and messages in
the reader's language; the fields here only tell the schema what is accepted (enums, bounds,
patterns), so that a client generated from it refuses what the server would refuse.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exams.models import ExamType
from exams.services.allowance_batch import MAX_EXAMS, MAX_LEARNERS
from exams.services.course_settings import MAX_REVIEW_RULES

# Time Allotted: HH:MM from 00:01 to 24:00, two-digit minutes (empty or null: none).
HHMM_PATTERN = r"^(00:(0[1-9]|[1-5][0-9])|(0[1-9]|1[0-9]|2[0-3]):[0-5][0-9]|24:00)$"
# A passing score, 0 to 100 with at most two decimals, as text.
PERCENT_PATTERN = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"
# An object's number in this API: a positive integer.
OBJECT_ID: dict[str, Any] = {"type": "integer", "minimum": 1}


@extend_schema_field({"type": "string", "enum": ExamType.values})
class ExamTypeField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "string", "pattern": HHMM_PATTERN, "nullable": True, "example": "01:30"}
)
class TimeAllottedField(serializers.CharField):
    pass


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": PERCENT_PATTERN, "example": "70.00"},
            {"type": "number", "minimum": 0, "maximum": 100},
        ]
    }
)
class PercentField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "maxLength": MAX_REVIEW_RULES})
class ReviewRulesField(serializers.CharField):
    pass


@extend_schema_field({**OBJECT_ID, "nullable": True})
class ExamIdField(serializers.IntegerField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "maxLength": 254},
        "minItems": 1,
        "maxItems": MAX_LEARNERS,
    }
)
class LearnersField(serializers.ListField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {**OBJECT_ID, "nullable": True},
        "minItems": 1,
        "maxItems": MAX_EXAMS,
        "nullable": True,
    }
)
class ExamIdsField(serializers.ListField):
    pass
