"""Inserting many new rows and their history versions at once.

On PostgreSQL: ids are taken from the table's identity sequence (so concurrent writers never
collide), then the rows and their django-simple-history versions go in with COPY. Elsewhere
(SQLite): Django's bulk_create and simple-history's bulk_create_with_history. Both paths
write the same rows; the PostgreSQL one is what lets an import of 100,000 members keep pace
with the database (docs/benchmarks.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pervichka.core.freshness import bump


def _allocate_ids(model: type[Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) "
            "FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[Model], columns: list[str], rows) -> None:
    sql = 'COPY "{}" ({}) FROM STDIN'.format(
        model._meta.db_table, ", ".join(f'"{c}"' for c in columns)
    )
    raw = connection.cursor().cursor
    with raw.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(model: type[Model], columns: list[str], rows: Sequence[tuple]) -> None:
    """Insert plain rows (no history, no pks needed back): COPY on PostgreSQL, the ids from
    the column's default; `bulk_create` elsewhere. `columns` are attribute names (attname)."""
    if not rows:
        return
    transaction.on_commit(bump)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=1000
        )
        return
    _copy(model, [model._meta.get_field(c).column for c in columns], rows)


def insert_with_history(
    model: type[Model], objects: Sequence[Model], *, actor, reason: str = ""
) -> None:
    """Insert new `objects` (their pks are set afterwards) with one '+' history version each."""
    if not objects:
        return
    # Bulk inserts send no signals: cached figures learn of them here.
    transaction.on_commit(bump)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if connection.vendor != "postgresql":
        bulk_create_with_history(
            list(objects),
            model,
            batch_size=1000,
            default_user=user,
            default_change_reason=reason or None,
        )
        return
    fields = list(model._meta.concrete_fields)
    for obj, pk in zip(objects, _allocate_ids(model, len(objects)), strict=True):
        obj.pk = pk
    _copy(
        model,
        [f.column for f in fields],
        (
            tuple(
                field.pre_save(obj, True) if not field.primary_key else obj.pk for field in fields
            )
            for obj in objects
        ),
    )
    # The history versions are copies of the rows just written: the database makes them
    # (INSERT … SELECT), so they are not formatted and sent a second time.
    sql, params = history_copy_sql(model, reason=reason, user=user)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, [obj.pk for obj in objects]])


def insert_tuples_with_history(
    model: type[Model], columns: list[str], rows: Sequence[tuple], *, actor, reason: str = ""
) -> list[int]:
    """Insert new rows given as tuples of `columns` (attnames, every concrete field but the
    id: the caller gives `auto_now` values itself) with one '+' history version each; the
    new ids in the rows' order. On PostgreSQL no model instance is made: the tuples go to
    COPY as they are (an import's 100,000 rows spent a quarter of their Python time making
    instances); elsewhere the instances and `bulk_create_with_history`, as
    `insert_with_history`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        insert_with_history(model, objects, actor=actor, reason=reason)
        return [obj.pk for obj in objects]
    transaction.on_commit(bump)
    user = actor if getattr(actor, "is_authenticated", False) else None
    ids = _allocate_ids(model, len(rows))
    # A field the caller does not know of (one a later migration added) gets its default,
    # as a model instance would give it, rather than a NULL the column may refuse.
    given = set(columns)
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in given]
    fixed = tuple(f.get_default() for f in rest)
    per_row = any(callable(f.default) for f in rest)
    _copy(
        model,
        [model._meta.pk.column, *(model._meta.get_field(c).column for c in columns)]
        + [f.column for f in rest],
        (
            (pk, *row, *(tuple(f.get_default() for f in rest) if per_row else fixed))
            for pk, row in zip(ids, rows, strict=True)
        ),
    )
    sql, params = history_copy_sql(model, reason=reason, user=user)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ids])
    return ids


@functools.cache
def _history_model(model: type[Model]) -> type[Model]:
    return model.history.model


def history_copy_sql(
    model: type[Model], *, reason: str = "", user=None, source: str | None = None
) -> tuple[str, list]:
    """`INSERT INTO <history> … SELECT … FROM <table> WHERE id = ANY(%s)`: a '+' history
    version of each row whose id is in the last parameter (a list), made by PostgreSQL from
    the stored row. Returns the SQL and its parameters but the last.

    With `source` (the name of a data-modifying CTE that returned the new rows, `RETURNING
    *`), the versions are made from those rows, and there is no last parameter."""
    history_model = _history_model(model)
    columns, values = [], []
    params: list = []
    for field in history_model._meta.concrete_fields:
        if field.name == "history_id":
            continue
        columns.append(f'"{field.column}"')
        if field.name == "history_date":
            values.append("%s")
            params.append(timezone.now())
        elif field.name == "history_type":
            values.append("'+'")
        elif field.name == "history_change_reason":
            values.append("%s")
            params.append(reason or None)
        elif field.name == "history_user":
            values.append("%s")
            params.append(user.pk if user else None)
        else:
            values.append(f'"{model._meta.get_field(field.name).column}"')
    sql = f'INSERT INTO "{history_model._meta.db_table}" ({", ".join(columns)}) '
    if source is not None:
        return sql + f'SELECT {", ".join(values)} FROM "{source}"', params
    sql += f'SELECT {", ".join(values)} FROM "{model._meta.db_table}" WHERE id = ANY(%s)'
    return sql, params


def insert_values_sql(obj: Model, *, sql_of: dict[str, str] | None = None) -> tuple[str, list]:
    """The column list and the values of `obj` for an INSERT without its primary key, as
    `(cols) SELECT vals` pieces: `("col", …)` and `val, …` with their parameters. Fields
    named in `sql_of` (by attname) take that SQL instead of a parameter (a CTE's column);
    the others are prepared as the ORM's insert prepares them (auto_now included)."""
    sql_of = sql_of or {}
    columns, values, params = [], [], []
    for field in type(obj)._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.attname in sql_of:
            values.append(sql_of[field.attname])
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    return f"({', '.join(columns)})", ", ".join(values), params


def insert_select_with_history(
    model: type[Model],
    columns: list[str],
    select_sql: str,
    params: Sequence = (),
    *,
    actor,
    reason: str = "",
    then: str = "",
) -> None:
    """`INSERT INTO <model> (columns) <select_sql>` with a '+' history version of each new
    row, in one statement, on PostgreSQL: rows made from rows already in the database (an
    import's staging table) are neither sent nor formatted by Python. `columns` are attnames
    (every concrete field but the id may be named; one not named gets its default, as in
    `insert_tuples_with_history`). `then`, if given, is the statement's last part and may
    read the new rows as `new_rows` (`UPDATE … FROM new_rows`)."""
    transaction.on_commit(bump)
    user = actor if getattr(actor, "is_authenticated", False) else None
    given = set(columns)
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in given]
    names = [model._meta.get_field(c).column for c in columns] + [f.column for f in rest]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
    table = model._meta.db_table
    history_sql, history_params = history_copy_sql(
        model, reason=reason, user=user, source="new_rows"
    )
    extra = "".join(", %s" for _ in rest)
    quoted = ", ".join(f'"{name}"' for name in names)
    sql = (
        f'WITH "new_rows" AS (INSERT INTO "{table}" ({quoted}) '
        f"SELECT given.*{extra} FROM ({select_sql}) AS given RETURNING *)"
    )
    if then:
        sql += f', "new_versions" AS ({history_sql}) {then}'
    else:
        sql += f" {history_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults, *params, *history_params])


# --- Reading one row without compiling a query -------------------------------------------
# The public submission reads a few rows by a key (the idempotency key, the village, the
# citizen); compiling each ORM query cost more of its CPU than the database's answer
# (bench/NOTES.md, Stop 24). These read the same columns with SQL written once per model.


@functools.cache
def _row_reading(model: type[Model]) -> tuple[tuple[str, ...], tuple[str, ...], tuple]:
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        functions = (*connection.ops.get_db_converters(col), *field.get_db_converters(connection))
        if functions:
            converters.append((index, col, functions))
    return (
        tuple(f.column for f in fields),
        tuple(f.attname for f in fields),
        tuple(converters),
    )


def select_columns(model: type[Model], alias: str) -> str:
    """Every concrete column of `model` as `"alias"."column", …`, in the order `from_row`
    reads them."""
    columns, _names, _converters = _row_reading(model)
    return ", ".join(f'"{alias}"."{column}"' for column in columns)


def from_row(model: type[Model], row: Sequence, start: int = 0) -> Model:
    """The instance of `model` whose columns (as `select_columns` lists them) begin at
    `row[start]`: the values converted as the ORM converts them (JSON, dates on SQLite),
    the instance marked as loaded from the database."""
    columns, names, converters = _row_reading(model)
    values = list(row[start : start + len(columns)])
    for index, col, functions in converters:
        for function in functions:
            values[index] = function(values[index], col, connection)
    return model.from_db(connection.alias, names, values)
