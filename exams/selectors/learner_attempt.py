"""The learner's attempt in one query: the timer status poll runs it for thousands of learners
every few seconds, and every learner action on an attempt runs it once.

Written as SQL, built once per process from the models' own tables and columns, and read into
model instances with the database's own converters (as the ORM would): compiling this query
through the ORM took longer than the database takes to answer it (see docs/benchmarks.md).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Field, Model

from exams.models import Attempt, Exam

# What the learner's views read of an attempt: the status poll's whole row.
LEARNER_ATTEMPT_FIELDS = (
    "id",
    "exam_id",
    "learner_id",
    "status",
    "attempt_code",
    "taking_as_proctored",
    "is_sample_attempt",
    "started_at",
    "deadline_at",
    "completed_at",
    "allowed_seconds",
    "cut_by_due_date",
    "paused_remaining_seconds",
    "points_earned",
    "points_possible",
    "graded_at",
)


@dataclass(frozen=True)
class _Table:
    """The columns read from one table, in the model's field order (as Model.from_db wants)."""

    model: type[Model]
    alias: str
    fields: tuple["Field[Any, Any]", ...]

    @classmethod
    def of(cls, model: type[Model], alias: str, names: Sequence[str]) -> "_Table":
        fields = tuple(f for f in model._meta.concrete_fields if f.attname in names)
        assert len(fields) == len(names), f"{model.__name__} lacks one of {names}"
        return cls(model, alias, fields)

    def column(self, attname: str) -> str:
        field = next(f for f in self.model._meta.concrete_fields if f.attname == attname)
        return f"{self.alias}.{connection.ops.quote_name(field.column)}"


@dataclass(frozen=True)
class _Query:
    sql: str
    tables: tuple[_Table, ...]
    # (position in the row, the converters Django applies to it, the column they expect)
    conversions: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


@cache
def _query(vendor: str) -> _Query:
    user = get_user_model()
    attempts = _Table.of(Attempt, "a", LEARNER_ATTEMPT_FIELDS)
    exams = _Table.of(Exam, "e", ("id", "exam_type", "passing_percent"))
    # What permissions.access_attempt_by_session checks the session against.
    learners = _Table.of(user, "u", (user._meta.pk.attname, "password", "is_active"))
    tables = (attempts, exams, learners)
    quote = connection.ops.quote_name
    columns = [table.column(f.attname) for table in tables for f in table.fields]
    sql = (
        f"SELECT {', '.join(columns)}"
        f" FROM {quote(Attempt._meta.db_table)} a"
        f" JOIN {quote(Exam._meta.db_table)} e"
        f" ON {exams.column('id')} = {attempts.column('exam_id')}"
        f" JOIN {quote(user._meta.db_table)} u"
        f" ON {learners.column(user._meta.pk.attname)} = {attempts.column('learner_id')}"
        f" WHERE {attempts.column('id')} = %s AND {attempts.column('learner_id')} = %s"
    )
    conversions = []
    fields = [(table.model, f) for table in tables for f in table.fields]
    for position, (model, field) in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        converters = (*connection.ops.get_db_converters(col), *col.get_db_converters(connection))
        if converters:
            conversions.append((position, converters, col))
    return _Query(sql, tables, tuple(conversions))


def attempt_of_learner(*, attempt_id: int, learner_id: int) -> Attempt | None:
    """The learner's attempt, with its exam's type and pass mark and the learner's password
    hash and active flag (`attempt.exam`, `attempt.learner`: those columns only). None when
    the learner has no such attempt."""
    query = _query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [attempt_id, learner_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, converters, col in query.conversions:
        for convert in converters:
            values[position] = convert(values[position], col, connection)
    instances = []
    start = 0
    for table in query.tables:
        end = start + len(table.fields)
        names = [f.attname for f in table.fields]
        instances.append(table.model.from_db(connection.alias, names, values[start:end]))
        start = end
    attempt, exam, learner = instances
    assert isinstance(attempt, Attempt) and isinstance(exam, Exam)
    attempt.exam = exam
    attempt.learner = learner  # type: ignore[assignment]
    return attempt
