"""Whole-table work: many rows at once, every row gone, sequences after explicit ids.

The national demo, the rebuild's generations, backups and the test suite write or clear tables
wholesale; they share these instead of each spelling PostgreSQL's COPY and sequence arithmetic.
Nothing here commits: it runs on the caller's connection, in the caller's transaction.
"""
from __future__ import annotations

import json

from sqlalchemy import JSON, Connection, Table, func, select, text
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table

from govtech.extensions import db


def write_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys): COPY on PostgreSQL, several times faster than
    INSERTs; executemany elsewhere. JSON columns are written as JSON, None as SQL NULL."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    names = list(rows[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSON)}
    driver = connection.connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{n}"' for n in names)
    with driver.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n], ensure_ascii=False) if n in as_json
                            and row[n] is not None else row[n] for n in names])


def reset_sequences(connection: Connection) -> int:
    """On PostgreSQL every sequence owned by a column moves past the largest stored value (after
    rows were written with explicit ids); returns how many. Nothing to do elsewhere."""
    if connection.dialect.name != "postgresql":
        return 0
    owned = connection.execute(text(
        "SELECT format('%I.%I', n.nspname, s.relname), n.nspname, t.relname, a.attname "
        "FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
        "JOIN pg_class t ON t.oid = d.refobjid "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE s.relkind = 'S' AND n.nspname = current_schema()")).all()
    for sequence, schema, name, column in owned:
        highest = func.max(sql_table(name, sql_column(column), schema=schema).c[column])
        connection.execute(select(func.setval(text("CAST(:seq AS regclass)"),
                                              func.coalesce(highest, 1), highest.is_not(None))),
                           {"seq": sequence})
    return len(owned)


def empty_all() -> None:
    """Delete every row of every table, in a transaction of its own (the schema and
    alembic_version stay); on PostgreSQL the sequences start again too."""
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
