"""How each column's values are written to a backup archive and read back, on any database.

An archive must restore into SQLite or PostgreSQL with the same values it was taken from, so
every value is written in one form whatever the database said: times in UTC with their offset
(SQLite hands back naive ones, PostgreSQL ones in the session's zone), dates and decimals as
ISO text, binary as base64, JSON columns as the stored JSON text (SQL NULL stays NULL, JSON
`null` stays `"null"`). Enums and TypeDecorators are read and written as stored, bypassing
their Python conversion, so a value the enum no longer knows or an encrypted column survives
untouched (an archive never holds a decrypted secret).
"""
from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, String, Text, cast, type_coerce
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.elements import ColumnElement


class BackupError(Exception):
    """A refusal with a message meant for the operator (wrong database, damaged archive…)."""


def _utc(value: datetime) -> str:
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat()


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _float(value: Any) -> float:
    return float(value)


# kind → (to the archive, from the archive for a SQLAlchemy bind); None means "as it is"
Convert = Callable[[Any], Any] | None
KINDS: dict[str, tuple[Convert, Convert]] = {
    "json": (None, None),
    "datetime_tz": (_utc, datetime.fromisoformat),
    "datetime": (datetime.isoformat, datetime.fromisoformat),
    "date": (date.isoformat, date.fromisoformat),
    "time": (time.isoformat, time.fromisoformat),
    "bool": (None, None),
    "int": (None, None),
    "float": (_float, _float),
    "decimal": (str, Decimal),
    "bytes": (_b64, base64.b64decode),
    "uuid": (str, uuid.UUID),
    "str": (None, None),
}


def storage_type(type_: sqltypes.TypeEngine) -> sqltypes.TypeEngine:
    """The type as the database stores it: TypeDecorators unwrapped."""
    while isinstance(type_, sqltypes.TypeDecorator):
        type_ = type_.impl_instance
    return type_


def kind_of(column: Column) -> str:
    type_ = column.type
    if isinstance(type_, sqltypes.Interval):
        raise BackupError(f"{column.table.name}.{column.name}: Interval columns are not "
                          "supported by govtech/backup_codec.py yet")
    type_ = storage_type(type_)
    checks: list[tuple[type | tuple[type, ...], str]] = [
        (sqltypes.JSON, "json"), (sqltypes.Boolean, "bool"), (sqltypes.Integer, "int"),
        (sqltypes.Date, "date"), (sqltypes.Time, "time"), (sqltypes.Float, "float"),
        (sqltypes.Numeric, "decimal"), (sqltypes._Binary, "bytes"), (sqltypes.Uuid, "uuid"),
        (sqltypes.String, "str")]
    if isinstance(type_, sqltypes.DateTime):
        return "datetime_tz" if type_.timezone else "datetime"
    for cls, kind in checks:
        if isinstance(type_, cls):
            return kind
    raise BackupError(f"{column.table.name}.{column.name}: column type {type_!r} is not "
                      "supported by govtech/backup_codec.py yet")


@dataclass(frozen=True)
class ColumnCodec:
    name: str
    kind: str
    storage: sqltypes.TypeEngine  # what values are bound as when restoring

    @classmethod
    def of(cls, column: Column) -> ColumnCodec:
        kind = kind_of(column)
        if kind == "json":
            storage: sqltypes.TypeEngine = Text()
        elif kind == "str":
            storage = String()  # an Enum's stored name, whatever the enum says now
        else:
            storage = storage_type(column.type)
        return cls(column.name, kind, storage)

    def select(self, column: Column) -> ColumnElement:
        """The expression that reads the stored value (JSON as its text)."""
        if self.kind == "json":
            return cast(column, Text).label(self.name)
        return type_coerce(column, self.storage).label(self.name)


def table_codecs(table) -> list[ColumnCodec]:
    """Every stored column of the table (computed columns are the database's own)."""
    return [ColumnCodec.of(column) for column in table.columns if column.computed is None]


def encoder(codecs: list[ColumnCodec]) -> Callable[[Any], list | tuple]:
    """Row (a sequence of database values) → list (or tuple) of JSON values."""
    steps = [(i, KINDS[c.kind][0]) for i, c in enumerate(codecs) if KINDS[c.kind][0]]
    if not steps:
        return lambda row: row if isinstance(row, tuple) else list(row)

    def encode(row) -> list:
        values = list(row)
        for i, convert in steps:
            if values[i] is not None:
                values[i] = convert(values[i])  # type: ignore[misc]
        return values

    return encode


def decoder(codecs: list[ColumnCodec], *, for_copy: bool) -> Callable[[list], list]:
    """List of JSON values → values to insert: Python values for SQLAlchemy binds, or (for
    PostgreSQL's COPY, where the server parses each text) only binary needs decoding."""
    steps: list[tuple[int, Callable[[Any], Any]]]
    if for_copy:
        steps = [(i, base64.b64decode) for i, c in enumerate(codecs) if c.kind == "bytes"]
    else:
        steps = [(i, convert) for i, c in enumerate(codecs) if (convert := KINDS[c.kind][1])]

    def decode(values: list) -> list:
        for i, convert in steps:
            if values[i] is not None:
                values[i] = convert(values[i])
        return values

    return decode
