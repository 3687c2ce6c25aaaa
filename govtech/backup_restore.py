"""`flask data import`: restore an archive of `flask data export` into an empty database.

Nothing is written until the whole archive has been read once and every member matched the
manifest's sha256 (and each table its row count), and the database is at the archive's alembic
revision, has the archive's tables and columns, and holds no row. Then one transaction inserts
every table in foreign-key order (PostgreSQL: COPY; elsewhere: executemany), writes the stored
files, fills in foreign keys that point forward (a self-reference or a cycle: inserted as NULL
first), and on PostgreSQL moves every sequence past the restored ids. A failure rolls it all
back and leaves the database empty; only files written so far remain (they are named by their
random keys, so they harm nothing).
"""
from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from flask import current_app
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    insert,
    literal,
    select,
    update,
)

from govtech.backup import (
    BATCH,
    CHUNK,
    FILE_FOLDERS,
    FORMAT,
    FORMAT_VERSION,
    PROGRESS_EVERY,
    Progress,
    Summary,
    revision,
    sha256_file,
)
from govtech.backup_codec import KINDS, BackupError, ColumnCodec, decoder, table_codecs
from govtech.extensions import db
from govtech.services import bulk

DAMAGED = (tarfile.TarError, OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError)


def _safe_file_member(name: str) -> bool:
    path = PurePosixPath(name)
    parts = path.parts
    return (len(parts) >= 3 and parts[0] == "files" and parts[1] in FILE_FOLDERS
            and not path.is_absolute() and all(p not in ("", ".", "..") for p in parts))


def _expected_members(manifest: dict) -> dict[str, dict]:
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("This is not an archive of `flask data export` (or of a newer format).")
    expected: dict[str, dict] = {}
    for entry in manifest["tables"]:
        if entry["member"] != f"tables/{entry['name']}.jsonl":
            raise BackupError(f"The manifest names an unexpected member {entry['member']!r}.")
        expected[entry["member"]] = entry
    for entry in manifest["files"]:
        if not _safe_file_member(entry["member"]):
            raise BackupError(f"The manifest names an unsafe file {entry['member']!r}.")
        expected[entry["member"]] = entry
    return expected


def _measure(stream: IO[bytes]) -> tuple[str, int, int]:
    """(sha256, bytes, lines) of a member, read in chunks."""
    digest, size, lines = hashlib.sha256(), 0, 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


def verify(path: str | os.PathLike) -> dict:
    """Read the whole archive once and return its manifest, or refuse with what is wrong."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            first = archive.next()
            if first is None or first.name != "manifest.json" or not first.isfile():
                raise BackupError(f"{path} does not start with manifest.json.")
            manifest = json.load(archive.extractfile(first))  # type: ignore[arg-type]
            expected = _expected_members(manifest)
            seen: set[str] = set()
            while (member := archive.next()) is not None:
                entry = expected.get(member.name)
                if entry is None or member.name in seen or not member.isfile():
                    raise BackupError(f"The archive holds an unexpected member {member.name!r}.")
                seen.add(member.name)
                digest, size, lines = _measure(archive.extractfile(member))  # type: ignore[arg-type]
                if digest != entry["sha256"] or size != entry["bytes"]:
                    raise BackupError(f"Checksum mismatch in {member.name}: the archive is "
                                      "damaged.")
                if "rows" in entry and lines != entry["rows"]:
                    raise BackupError(f"{member.name} has {lines} rows, the manifest says "
                                      f"{entry['rows']}: the archive is damaged.")
    except BackupError:
        raise
    except DAMAGED as error:
        raise BackupError(f"{path} is damaged or not an archive of `flask data export` "
                          f"({error}).") from error
    if missing := sorted(set(expected) - seen):
        raise BackupError(f"The archive lacks {', '.join(missing[:5])}: it is incomplete.")
    return manifest


def _check_target(connection: Connection, manifest: dict) -> None:
    """Refuse unless the database is at the archive's revision, has its tables and is empty."""
    wanted, current = manifest["alembic_revision"], revision(connection)
    if current != wanted:
        raise BackupError(
            f"The archive was taken at alembic revision {wanted}, this database is at "
            f"{current or 'no revision (never migrated)'}: restore into an empty database "
            f"migrated to {wanted} (`flask db upgrade {wanted}`).")
    tables = {t.name: t for t in db.metadata.sorted_tables}
    listed = {t["name"]: t for t in manifest["tables"]}
    if set(tables) != set(listed):
        raise BackupError(f"The archive's tables differ from this version's: only in the archive "
                          f"{sorted(set(listed) - set(tables))}, only here "
                          f"{sorted(set(tables) - set(listed))}.")
    for name, entry in listed.items():
        here = [c.name for c in table_codecs(tables[name])]
        if sorted(here) != sorted(entry["columns"]):
            raise BackupError(f"Table {name}: the archive's columns {entry['columns']} differ "
                              f"from this version's {here}.")
    busy = [name for name, table in tables.items()
            if connection.execute(select(literal(1)).select_from(table).limit(1)).first()]
    if busy:
        raise BackupError(f"The database is not empty ({', '.join(busy[:6])} have rows): "
                          "restore only into an empty database.")


def _check_files(instance: Path, manifest: dict) -> None:
    """A stored file already there must be the same file: the restore never replaces one."""
    for entry in manifest["files"]:
        path = instance / PurePosixPath(entry["member"]).relative_to("files")
        if path.exists() and sha256_file(path) != entry["sha256"]:
            raise BackupError(f"{path} exists with other content; move it away first.")


def _rows(stream: IO[bytes]) -> Iterator[list[list]]:
    batch: list[list] = []
    for line in stream:
        batch.append(json.loads(line))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Forward:
    """Foreign keys that point to a table not yet inserted (itself, or later in the order):
    inserted as NULL, set once every table is in."""

    def __init__(self, manifest: dict):
        self.position = {entry["name"]: i for i, entry in enumerate(manifest["tables"])}
        self.pending: dict[str, list[tuple[list, list]]] = {}

    def columns(self, table) -> list[str]:
        here = self.position[table.name]
        found = []
        for key in table.foreign_keys:
            if self.position.get(key.column.table.name, -1) >= here:
                if not key.parent.nullable:
                    raise BackupError(f"{table.name}.{key.parent.name} points forward and may "
                                      "not be NULL: this schema cannot be restored in one pass.")
                found.append(key.parent.name)
        return found

    def hold(self, table, codecs: list[ColumnCodec], deferred: list[str], rows: list[list]):
        """Keep the forward values (and the row's key) aside and blank them in the rows."""
        if not deferred:
            return
        names = [c.name for c in codecs]
        keys = [names.index(c.name) for c in table.primary_key.columns]
        slots = [names.index(n) for n in deferred]
        for row in rows:
            if any(row[i] is not None for i in slots):
                self.pending.setdefault(table.name, []).append(
                    ([row[i] for i in keys], [row[i] for i in slots]))
                for i in slots:
                    row[i] = None

    def apply(self, connection: Connection, tables: dict, progress: Progress) -> None:
        for name, entries in self.pending.items():
            table, deferred = tables[name], self.columns(tables[name])
            codecs = {c.name: c for c in table_codecs(table)}
            keys = list(table.primary_key.columns)
            statement = update(table).where(and_(*[
                column == bindparam(f"k{i}", type_=codecs[column.name].storage)
                for i, column in enumerate(keys)])).values({
                    name: bindparam(f"v{i}", type_=codecs[name].storage)
                    for i, name in enumerate(deferred)})
            params = [{**{f"k{i}": _decode(codecs[c.name], v) for i, (c, v) in
                          enumerate(zip(keys, key, strict=True))},
                       **{f"v{i}": _decode(codecs[n], v) for i, (n, v) in
                          enumerate(zip(deferred, values, strict=True))}}
                      for key, values in entries]
            connection.execute(statement, params)
            progress(f"linked {len(params):,} forward references in {name}")


def _decode(codec: ColumnCodec, value: Any) -> Any:
    convert = KINDS[codec.kind][1]
    return value if value is None or convert is None else convert(value)


def _insert(connection: Connection, table, codecs: list[ColumnCodec],
            batches: Iterator[list[list]]) -> None:
    if connection.dialect.name == "postgresql":
        from psycopg import sql

        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(*([table.schema] if table.schema else []), table.name),
            sql.SQL(", ").join(sql.Identifier(c.name) for c in codecs))
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
        return
    names = [f"p{i}" for i in range(len(codecs))]
    statement = insert(table).values({c.name: bindparam(n, type_=c.storage)
                                      for c, n in zip(codecs, names, strict=True)})
    for batch in batches:
        connection.execute(statement, [dict(zip(names, row, strict=True)) for row in batch])


def _load_table(connection: Connection, table, entry: dict, stream: IO[bytes],
                forward: _Forward, progress: Progress = print) -> int:
    codecs = table_codecs(table)
    order = [entry["columns"].index(c.name) for c in codecs]
    decode = decoder(codecs, for_copy=connection.dialect.name == "postgresql")
    deferred = forward.columns(table)
    count = 0

    def batches() -> Iterator[list[list]]:
        nonlocal count
        for batch in _rows(stream):
            rows = [[row[i] for i in order] for row in batch]
            forward.hold(table, codecs, deferred, rows)
            count += len(rows)
            if count % PROGRESS_EVERY < len(rows):
                progress(f"  {table.name}: {count:,} rows…")
            yield [decode(row) for row in rows]

    _insert(connection, table, codecs, batches())
    return count


def _restore_table(connection: Connection, table, entry: dict, stream: IO[bytes],
                   forward: _Forward, progress: Progress) -> int:
    """Load one table; a value the database refuses becomes the operator's message."""
    try:
        return _load_table(connection, table, entry, stream, forward, progress)
    except BackupError:
        raise
    except Exception as error:  # the driver's own errors (COPY) are not SQLAlchemy's
        raise BackupError(f"Restoring {table.name} failed, nothing was written: "
                          f"{str(error).strip()[:500]}") from error


def _write_file(instance: Path, name: str, stream: IO[bytes]) -> int:
    path = instance / PurePosixPath(name).relative_to("files")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".restore-")
    size = 0
    with os.fdopen(handle, "wb") as out:
        while chunk := stream.read(CHUNK):
            out.write(chunk)
            size += len(chunk)
    os.replace(partial, path)
    return size


def import_archive(path: str | os.PathLike, *, progress: Progress = print) -> Summary:
    """Restore the archive into this app's (empty, migrated) database and instance folder."""
    started = time.monotonic()
    summary = Summary("Imported", archive_bytes=Path(path).stat().st_size)
    manifest = verify(path)
    progress(f"verified {len(manifest['tables'])} tables and {len(manifest['files'])} files "
             f"({time.monotonic() - started:.1f} s)")
    instance = Path(current_app.instance_path)
    tables = {t.name: t for t in db.metadata.sorted_tables}
    entries = {e["member"]: e for e in [*manifest["tables"], *manifest["files"]]}
    forward = _Forward(manifest)
    with db.engine.begin() as connection:
        _check_target(connection, manifest)
        _check_files(instance, manifest)
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                entry = entries.get(member.name)
                stream = archive.extractfile(member)
                if entry is None or stream is None:
                    continue
                if "rows" in entry:
                    begun = time.monotonic()
                    count = _restore_table(connection, tables[entry["name"]], entry, stream,
                                           forward, progress)
                    summary.rows[entry["name"]] = count
                    progress(f"imported {entry['name']}: {count:,} rows "
                             f"({time.monotonic() - begun:.1f} s)")
                else:
                    summary.file_bytes += _write_file(instance, member.name, stream)
                    summary.files += 1
        forward.apply(connection, tables, progress)
        if connection.dialect.name == "postgresql":
            progress(f"reset {bulk.reset_sequences(connection)} sequences")
    summary.seconds = time.monotonic() - started
    return summary
