"""What the OpenAPI schema says about input that the services check.

The services are the one place that checks these rules, with their own codes and messages in
the reader's language; the fields here only tell the schema what is accepted (enums, bounds,
patterns), so that a client generated from it refuses what the server would refuse.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exams.rest.schema import OBJECT_ID
from exams.services.allowance_batch import MAX_EXAMS, MAX_LEARNERS


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
