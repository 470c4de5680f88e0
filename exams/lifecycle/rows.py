"""Writes through SQL written once per process, for the hottest writes only: an attempt's
history row (every status move), a closing attempt's columns and its answers' scores (every
submit). Compiling them through the ORM cost more than the database spends running them
(docs/benchmarks.md, decision 10).

Values are prepared as `save()` prepares them (each field's `pre_save`, then
`get_db_prep_save`), so auto-updated fields such as `modified` and adapted types are written
exactly as the ORM writes them. Model signals are not sent: the app uses none.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import Field, Model

from exams.selectors.rows import quote


def _plain(fields: Sequence[Any]) -> tuple["Field[Any, Any]", ...]:
    """The fields, checked to be columns written with a plain `%s` placeholder."""
    for field in fields:
        assert field.concrete and not hasattr(field, "get_placeholder"), field
    return tuple(fields)


def _fields(model: type[Model], names: Sequence[str]) -> tuple["Field[Any, Any]", ...]:
    return _plain([model._meta.get_field(name) for name in names])


@dataclass(frozen=True)
class RowInsert:
    """INSERT of a new instance's row. Its primary key is not read back."""

    sql: str
    fields: tuple["Field[Any, Any]", ...]

    @classmethod
    def of(cls, model: type[Model]) -> "RowInsert":
        fields = _plain([f for f in model._meta.concrete_fields if not f.primary_key])
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
        return cls(sql, fields)

    def run(self, instance: Model) -> None:
        """Refuses (ValueError), as `save()` does, an instance whose related object is unsaved."""
        instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, values)


@dataclass(frozen=True)
class RowUpdate:
    """UPDATE of some columns in an instance's row, as `save(update_fields=...)` writes them."""

    sql: str
    fields: tuple["Field[Any, Any]", ...]

    @classmethod
    def of(cls, model: type[Model], names: Sequence[str]) -> "RowUpdate":
        fields = _fields(model, names)
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        pk = quote(model._meta.pk.column)
        sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {pk} = %s"
        return cls(sql, fields)

    def run(self, instance: Model) -> None:
        """Raises DatabaseError, as `save(update_fields=...)` does, when the row is gone."""
        values = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [*values, instance.pk])
            if cursor.rowcount != 1:
                raise DatabaseError("The update did not affect the row.")


@dataclass(frozen=True)
class ColumnSet:
    """UPDATE of one column to one value in the rows of `count` primary keys, as
    `Model.objects.filter(pk__in=pks).update(name=value)` writes it."""

    sql: str
    field: "Field[Any, Any]"
    count: int

    @classmethod
    def of(cls, model: type[Model], name: str, count: int) -> "ColumnSet":
        (field,) = _fields(model, [name])
        pk = quote(model._meta.pk.column)
        marks = ", ".join(["%s"] * count)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s"
            f" WHERE {pk} IN ({marks})"
        )
        return cls(sql, field, count)

    def run(self, value: Any, pks: Sequence[int]) -> None:
        assert len(pks) == self.count
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [self.field.get_db_prep_save(value, connection), *pks])
