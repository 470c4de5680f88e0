"""The two reads by SQL written once per process: the learner's attempt (the timer poll runs it
for thousands of learners every few seconds, and every learner action once) and the locked
attempt (every move). Compiling them through the ORM took longer than the database takes to
answer them (docs/benchmarks.md, decision 10); every other read and every write is ORM code.

The SQL is built from the models' own tables and columns, and rows are read into instances
with the database's own converters, as the ORM would read them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Field, Model
from django.db.transaction import TransactionManagementError

from exams.models import Attempt, Course, Exam
from exams.selectors.attempt_shape import ATTEMPT_COLUMNS


def quote(name: str) -> str:
    return str(connection.ops.quote_name(name))


@dataclass(frozen=True)
class Table:
    """The columns read from one table, in the model's field order (as Model.from_db wants)."""

    model: type[Model]
    alias: str
    fields: tuple["Field[Any, Any]", ...]

    @classmethod
    def of(cls, model: type[Model], alias: str, names: Sequence[str] | None = None) -> "Table":
        """The model's columns named (by attname), or all of them."""
        concrete = model._meta.concrete_fields
        fields = tuple(f for f in concrete if names is None or f.attname in names)
        assert names is None or len(fields) == len(names), f"{model.__name__} lacks {names}"
        return cls(model, alias, fields)

    @property
    def name(self) -> str:
        """The table as the FROM clause names it: `table alias`."""
        return f"{quote(self.model._meta.db_table)} {self.alias}"

    def field(self, attname: str) -> "Field[Any, Any]":
        return next(f for f in self.model._meta.concrete_fields if f.attname == attname)

    def column(self, attname: str) -> str:
        return f"{self.alias}.{quote(self.field(attname).column)}"


@dataclass(frozen=True)
class RowQuery:
    """A SELECT of the tables' columns, read into one instance per table."""

    sql: str
    tables: tuple[Table, ...]
    # (position in the row, the converters Django applies to it, the column they expect)
    conversions: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    # The range of the integer column each parameter is compared to, in order.
    key_ranges: tuple[tuple[int | None, int | None], ...]

    @classmethod
    def build(
        cls, tables: Sequence[Table], rest: str, *, keys: Sequence["Field[Any, Any]"]
    ) -> "RowQuery":
        """SELECT every table's columns, followed by `rest` (FROM, WHERE, ...), whose `%s`
        parameters are compared to the integer fields `keys`."""
        columns = [table.column(f.attname) for table in tables for f in table.fields]
        conversions = []
        fields = [(table.model, f) for table in tables for f in table.fields]
        for position, (model, field) in enumerate(fields):
            col = field.get_col(model._meta.db_table)
            converters = (
                *connection.ops.get_db_converters(col),
                *col.get_db_converters(connection),
            )
            if converters:
                conversions.append((position, converters, col))
        sql = f"SELECT {', '.join(columns)} {rest}"
        return cls(sql, tuple(tables), tuple(conversions), tuple(_range(key) for key in keys))

    def fetch_one(self, params: Sequence[int | None]) -> list[Model] | None:
        """The first row's instances, one per table, or None when there is no row."""
        rows = self._fetch(params, many=False)
        return rows[0] if rows else None

    def fetch_all(self, params: Sequence[int | None]) -> list[list[Model]]:
        """Every row's instances, one per table."""
        return self._fetch(params, many=True)

    def _fetch(self, params: Sequence[int | None], *, many: bool) -> list[list[Model]]:
        """A parameter outside its field's range (or None) matches no row, as the ORM answers
        (SQLite would refuse it with an overflow instead). Such a parameter empties the whole
        answer, which is right for conditions joined by AND; an `IN` list must hold only ids
        of rows that exist (answers_to_grade passes locked attempts' ids)."""
        for (low, high), value in zip(self.key_ranges, params, strict=True):
            if (
                value is None
                or (low is not None and value < low)
                or (high is not None and value > high)
            ):
                return []  # `= NULL` and out-of-range values match nothing
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall() if many else cursor.fetchmany(1)
        return [self._instances(row) for row in rows]

    def _instances(self, row: Sequence[Any]) -> list[Model]:
        values = list(row)
        for position, converters, col in self.conversions:
            for convert in converters:
                values[position] = convert(values[position], col, connection)
        instances = []
        start = 0
        for table in self.tables:
            end = start + len(table.fields)
            names = [f.attname for f in table.fields]
            instances.append(table.model.from_db(connection.alias, names, values[start:end]))
            start = end
        return instances


def _range(field: "Field[Any, Any]") -> tuple[int | None, int | None]:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    low, high = connection.ops.integer_field_range(target.get_internal_type())
    return low, high


@cache
def _query(vendor: str) -> RowQuery:
    user = get_user_model()
    attempts = Table.of(Attempt, "a", ATTEMPT_COLUMNS)
    exams = Table.of(Exam, "e", ("id", "exam_type", "passing_percent"))
    # The whole user row: the learner becomes the request's user.
    learners = Table.of(user, "u")
    return RowQuery.build(
        (attempts, exams, learners),
        f"FROM {attempts.name}"
        f" JOIN {exams.name} ON {exams.column('id')} = {attempts.column('exam_id')}"
        f" JOIN {learners.name}"
        f" ON {learners.column(user._meta.pk.attname)} = {attempts.column('learner_id')}"
        f" WHERE {attempts.column('id')} = %s AND {attempts.column('learner_id')} = %s",
        keys=(attempts.field("id"), attempts.field("learner_id")),
    )


def attempt_of_learner(*, attempt_id: int, learner_id: int) -> Attempt | None:
    """The learner's attempt, with its exam's type and pass mark (`attempt.exam`) and the
    learner's whole user row (`attempt.learner`). None when the learner has no such attempt."""
    row = _query(connection.vendor).fetch_one([attempt_id, learner_id])
    if row is None:
        return None
    attempt, exam, learner = row
    assert isinstance(attempt, Attempt) and isinstance(exam, Exam)
    attempt.exam = exam
    attempt.learner = learner  # type: ignore[assignment]
    return attempt


@cache
def _locked_query(vendor: str) -> RowQuery:
    attempts, exams, courses = Table.of(Attempt, "a"), Table.of(Exam, "e"), Table.of(Course, "c")
    # SQLite has no row locks: a writer there holds the whole database.
    lock = " FOR UPDATE OF a" if connection.features.has_select_for_update_of else ""
    return RowQuery.build(
        (attempts, exams, courses),
        f"FROM {attempts.name}"
        f" JOIN {exams.name} ON {exams.column('id')} = {attempts.column('exam_id')}"
        f" JOIN {courses.name} ON {courses.column('id')} = {exams.column('course_id')}"
        f" WHERE {attempts.column('id')} = %s{lock}",
        keys=(attempts.field("id"),),
    )


def attempt_get_locked(*, attempt_id: int) -> Attempt:
    """Return the attempt with its exam and course, holding its row lock until commit.

    What `select_related("exam__course").select_for_update(of=("self",))` reads, by SQL
    written once (every move runs it). Must run inside a transaction. Raises
    Attempt.DoesNotExist when it is gone (cleared).
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("attempt_get_locked needs a transaction.")
    row = _locked_query(connection.vendor).fetch_one([attempt_id])
    if row is None:
        raise Attempt.DoesNotExist(f"No attempt {attempt_id}.")
    attempt, exam, course = row
    assert isinstance(attempt, Attempt) and isinstance(exam, Exam) and isinstance(course, Course)
    exam.course = course
    attempt.exam = exam
    return attempt
