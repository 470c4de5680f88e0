"""Output shapes shared by several API views."""

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from exams.selectors.attempt_shape import FIELDS, AttemptSummary


def _kind(field: dataclasses.Field[Any]) -> tuple[Any, bool]:
    """The class a field holds (`tuple` for `tuple[int, int]`), and whether it may be None."""
    hint, nullable = field.type, False
    if isinstance(hint, types.UnionType):
        args = [arg for arg in hint.__args__ if arg is not type(None)]
        hint, nullable = args[0], len(args) < len(hint.__args__)
    return typing.get_origin(hint) or hint, nullable


def _schema_field(field: dataclasses.Field[Any]) -> serializers.Field:
    base, nullable = _kind(field)
    options: dict[str, Any] = {"allow_null": True} if nullable else {}
    if field.metadata["description"]:
        options["help_text"] = field.metadata["description"]
    if base is bool:
        return serializers.BooleanField(**options)
    if base is int:
        return serializers.IntegerField(**options)
    if base is str:
        return serializers.CharField(**options)
    if base is datetime:
        return serializers.DateTimeField(**options)
    if base is Decimal:
        digits, places = field.metadata["digits"], field.metadata["places"]
        return serializers.DecimalField(max_digits=digits, decimal_places=places, **options)
    if base is tuple:
        return serializers.ListField(child=serializers.IntegerField(), **options)
    raise TypeError(f"AttemptSummary.{field.name}: no schema field for {field.type}")


# The OpenAPI component of the learner's attempt, from its one declaration.
AttemptOutput = type(
    "AttemptOutput",
    (serializers.Serializer,),
    {
        "__doc__": "An attempt as its learner sees it; every response carries the server's clock.",
        "__module__": __name__,
        **{field.name: _schema_field(field) for field in FIELDS},
    },
)


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


def _decimal(value: Decimal | None, quantum: Decimal) -> str | None:
    return None if value is None else str(value.quantize(quantum))


def _writer(field: dataclasses.Field[Any]) -> Callable[[Any], Any]:
    """How one field is written into the JSON, as DRF's field for it writes it."""
    base, _ = _kind(field)
    if base is datetime:
        return _time
    if base is Decimal:
        quantum = Decimal(1).scaleb(-field.metadata["places"])
        return lambda value: _decimal(value, quantum)
    if base is tuple:
        return lambda value: list(value) if value else None
    return lambda value: value


_WRITERS = [(field.name, _writer(field)) for field in FIELDS]


def attempt_output(summary: AttemptSummary) -> dict[str, Any]:
    """AttemptOutput's data, built directly: DRF copies every declared field per call, which is
    most of the timer poll's cost. tests/exams/api/test_serializers.py keeps both identical."""
    return {name: write(getattr(summary, name)) for name, write in _WRITERS}
