"""`flask data export`: the whole programme — every table and every stored file — as one archive.

The archive is a .tar.gz that `tar` can list and open:

    manifest.json            format, app version, alembic revision, created_at, source database,
                             per table its columns, row count and sha256, per file its sha256
    tables/<table>.jsonl     one JSON array per row, columns in the manifest's order, rows in
                             primary-key order (binary collation, so any database writes the
                             same bytes for the same data)
    files/attachments/…      the stored files under the instance folder

It is the portable copy (SQLite ↔ PostgreSQL, or a copy that includes the files); nightly backups
of a PostgreSQL database are pg_dump's and WAL archiving's job (see the README). The archive holds
password hashes and two-step secrets as stored: it is written readable by its owner only.
`govtech.backup_restore` reads it back.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import Connection, select
from sqlalchemy import types as sqltypes

from govtech import ROOT
from govtech.backup_codec import BackupError, encoder, table_codecs
from govtech.extensions import db

FORMAT = "govtech-backup"
FORMAT_VERSION = 1
# Folders under the instance folder that hold the programme's stored files. Not here on purpose:
# secret_key (backed up separately, see the README), outbox/ (development mail), the SQLite file.
FILE_FOLDERS = ("attachments",)
BATCH = 5000
CHUNK = 1024 * 1024
PROGRESS_EVERY = 250_000  # rows between progress lines of a large table

Progress = Callable[[str], None]
_line = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one row, compact


@dataclass
class Summary:
    """What an export or import did, for the operator."""

    action: str
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    archive_bytes: int = 0
    seconds: float = 0.0

    def report(self) -> str:
        width = max((len(name) for name in self.rows), default=5)
        lines = [f"  {name:<{width}} {count:>12,}" for name, count in self.rows.items()]
        lines += [f"  {'rows':<{width}} {sum(self.rows.values()):>12,}",
                  f"  {'files':<{width}} {self.files:>12,} ({self.file_bytes:,} bytes)",
                  f"{self.action} in {self.seconds:.1f} s; archive {self.archive_bytes:,} bytes"]
        return "\n".join(lines)


def app_version() -> str:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def revision(connection: Connection) -> str | None:
    """The database's alembic revision (None when it was never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files(instance: Path) -> Iterator[tuple[str, Path]]:
    """(archive member name, path) of every stored file, in a stable order."""
    for folder in FILE_FOLDERS:
        base = instance / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink()):
            yield f"files/{folder}/{path.relative_to(base).as_posix()}", path


def _snapshot(connection: Connection) -> None:
    """Read every table from one consistent snapshot, so the app may keep running: a read-only
    repeatable-read transaction on PostgreSQL, one read transaction on SQLite."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        connection.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # times come as written
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def _order_by(connection: Connection, table) -> list:
    """Primary-key order, strings compared byte by byte on every database."""
    columns = list(table.primary_key.columns) or list(table.columns)
    if connection.dialect.name != "postgresql":
        return columns
    return [c.collate("C") if isinstance(c.type, sqltypes.String) else c for c in columns]


def _batches(connection: Connection, statement) -> Iterator[Sequence]:
    """The statement's rows in batches, streamed. On PostgreSQL straight from a server-side
    psycopg cursor (tuples, no SQLAlchemy row objects: a third of the time on national data);
    the selected columns need no result processing there (see backup_codec)."""
    if connection.dialect.name != "postgresql":
        result = connection.execution_options(stream_results=True,
                                              yield_per=BATCH).execute(statement)
        yield from result.partitions()
        return
    sql = str(statement.compile(dialect=connection.dialect))
    raw = connection.connection.driver_connection
    with raw.cursor(name="govtech_export") as cursor:  # type: ignore[union-attr]
        cursor.itersize = BATCH
        cursor.execute(sql)
        while part := cursor.fetchmany(BATCH):
            yield part


def _dump_table(connection: Connection, table, out: Path,
                progress: Progress | None = None) -> tuple[list[str], int, str]:
    """Stream one table into a JSON-lines file; returns (columns, rows, sha256)."""
    codecs = table_codecs(table)
    encode = encoder(codecs)
    statement = select(*[c.select(table.c[c.name]) for c in codecs]).order_by(
        *_order_by(connection, table))
    digest, rows = hashlib.sha256(), 0
    with open(out, "wb") as handle:
        for part in _batches(connection, statement):
            chunk = "".join(_line(encode(row)) + "\n" for row in part).encode("utf-8")
            digest.update(chunk)
            handle.write(chunk)
            rows += len(part)
            if progress and rows % PROGRESS_EVERY < len(part):
                progress(f"  {table.name}: {rows:,} rows…")
    return [c.name for c in codecs], rows, digest.hexdigest()


def export_archive(target: str | os.PathLike, *, progress: Progress = print,
                   overwrite: bool = False) -> Summary:
    """Write the whole programme to `target` (a .tar.gz); refuses to replace a file unless told."""
    started = time.monotonic()
    target = Path(target).resolve()
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; choose another name or pass --overwrite.")
    target.parent.mkdir(parents=True, exist_ok=True)
    summary = Summary("Exported")
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as scratch:
        tables: list[dict[str, Any]] = []
        with db.engine.connect() as connection:
            _snapshot(connection)
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                        "app_version": app_version(), "alembic_revision": revision(connection),
                        "created_at": datetime.now(UTC).isoformat(),
                        "source": connection.dialect.name}
            for table in db.metadata.sorted_tables:
                begun = time.monotonic()
                path = Path(scratch) / f"{table.name}.jsonl"
                columns, rows, digest = _dump_table(connection, table, path, progress)
                tables.append({"name": table.name, "columns": columns, "rows": rows,
                               "member": f"tables/{table.name}.jsonl", "sha256": digest,
                               "bytes": path.stat().st_size, "path": path})
                summary.rows[table.name] = rows
                progress(f"exported {table.name}: {rows:,} rows "
                         f"({time.monotonic() - begun:.1f} s)")
            connection.rollback()
        files: list[dict[str, Any]] = [
            {"member": name, "sha256": sha256_file(path), "bytes": path.stat().st_size,
             "path": path} for name, path in stored_files(instance)]
        manifest["tables"] = [{k: v for k, v in t.items() if k != "path"} for t in tables]
        manifest["files"] = [{k: v for k, v in f.items() if k != "path"} for f in files]
        partial = Path(scratch) / "archive.tar.gz"
        begun = time.monotonic()
        _write_tar(partial, manifest, tables, files, progress)
        progress(f"compressed {sum(t['bytes'] for t in tables):,} bytes of rows into "
                 f"{partial.stat().st_size:,} ({time.monotonic() - begun:.1f} s)")
        partial.chmod(0o600)
        os.replace(partial, target)
    summary.files = len(files)
    summary.file_bytes = sum(f["bytes"] for f in files)
    summary.archive_bytes = target.stat().st_size
    summary.seconds = time.monotonic() - started
    return summary


def _write_tar(path: Path, manifest: dict, tables: list[dict], files: list[dict],
               progress: Progress) -> None:
    body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    with tarfile.open(path, "w:gz", compresslevel=6) as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
        archive.addfile(info, io.BytesIO(body))
        for entry in tables:
            archive.add(entry["path"], arcname=entry["member"], recursive=False,
                        filter=_plain)
        for entry in files:
            if sha256_file(entry["path"]) != entry["sha256"]:
                raise BackupError(f"{entry['path']} changed during the export; run it again.")
            archive.add(entry["path"], arcname=entry["member"], recursive=False, filter=_plain)
        if files:
            progress(f"archived {len(files):,} files")


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No owner names or ids of this machine in the archive."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info
