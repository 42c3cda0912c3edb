"""Set-based writes of many rows for the hot paths (the shop-floor event batch), one statement each.

Django's `bulk_update` builds a CASE expression per field and row, and its `bulk_create` on
PostgreSQL sends one array parameter per column, which the driver quotes element by element in
Python: for a batch of fifty events that quoting took longer than PostgreSQL took to write the
rows. Here, on PostgreSQL, the rows travel as one JSON document that the statement reads as a
set of records (`jsonb_to_recordset`): one parameter, serialised by the C JSON encoder, one
statement planned and run once. Other databases (SQLite, in process, where a round trip costs
nothing) take Django's own paths.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models

Field = models.Field[Any, Any]


def _json_value(value: Any) -> Any:
    """Decimals as text (kept exact), times as ISO 8601 with their offset."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


def _recordset(fields: Sequence[Field]) -> str:
    """The rows of the document (the statement's one parameter) as a table `v`, typed."""
    quote = connection.ops.quote_name
    record = ", ".join(f"{quote(str(f.column))} {f.db_type(connection)}" for f in fields)
    return f"jsonb_to_recordset(%s::jsonb) AS v({record})"


def _document(rows: list[list[Any]], fields: Sequence[Field]) -> str:
    names = [str(f.column) for f in fields]
    return json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=_json_value)


# Fields whose Python value JSON carries as PostgreSQL reads it (a foreign key by its id, the
# attribute's value): no per-value conversion, which cost more than the rest of the write.
PLAIN = (
    models.CharField,
    models.TextField,
    models.DecimalField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.ForeignKey,
    models.JSONField,
    models.AutoField,
    models.BigAutoField,
)


def _converter(field: Field) -> Callable[[Any], Any]:
    """How a value of the field goes into the document."""
    if isinstance(field, PLAIN):
        return _same
    return lambda value: field.get_db_prep_save(value, connection)


def _same(value: Any) -> Any:
    return value


def update_rows(model: type[models.Model], names: Sequence[str], objects: Iterable[Any]) -> None:
    """Write the named fields of each object to its row (by primary key)."""
    rows = list(objects)
    if not rows:
        return
    meta = model._meta
    assert meta.pk is not None
    fields = [cast(Field, meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(str(meta.pk.column))
    columns = [quote(str(f.column)) for f in fields]
    if connection.vendor != "postgresql":
        sql = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {key} = %s"
        params = [
            [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        return
    keyed = [meta.pk, *fields]
    converters = [(f.attname, _converter(f)) for f in fields]
    document = _document(
        [[row.pk] + [convert(getattr(row, name)) for name, convert in converters] for row in rows],
        keyed,
    )
    sql = (
        f"UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c in columns)} "
        f"FROM {_recordset(keyed)} WHERE {table}.{key} = v.{key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])


def insert_rows(model: type[models.Model], objects: Sequence[Any]) -> None:
    """Insert new objects in one statement and set their primary keys, in order.

    Like `bulk_create`: no `save()`, no signals; fields' `pre_save` runs (so `auto_now_add`
    stamps the row). The keys come back in the document's order, as PostgreSQL inserts and
    returns the rows of a set-returning function in the order it yields them (the assumption
    Django's own `UNNEST` insert makes).
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    assert meta.pk is not None
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    converters = [(f, _converter(f)) for f in fields]
    document = _document(
        [[convert(f.pre_save(obj, True)) for f, convert in converters] for obj in objects], fields
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {columns} "
        f"FROM {_recordset(fields)} RETURNING {quote(str(meta.pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])
        keys = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
