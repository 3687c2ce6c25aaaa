"""Backups restore: `flask data export` and `flask data import` carry a varied programme from
SQLite to PostgreSQL and back with every row and stored file identical, and refuse a database
that is not empty or not at the archive's revision, and a damaged archive.

Each test builds its own apps on databases of its own (migrated like production, never the
suite's `app`); the PostgreSQL ones are created next to TEST_DATABASE_URL, BACKUP_TEST_PG_URL or
postgresql://postgres@127.0.0.1:5432/govtech_backup_test, and skipped when none answers."""
from __future__ import annotations

import enum
import gzip
import io
import json
import os
import tarfile
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    Uuid,
    create_engine,
    null,
    select,
    text,
)
from sqlalchemy.exc import OperationalError

from govtech import ROOT, create_app, jobs
from govtech.backup import _dump_table, export_archive
from govtech.backup_codec import BackupError
from govtech.backup_restore import _Forward, _load_table, import_archive
from govtech.extensions import db
from tests import factories

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/govtech_backup_test"


# --- databases and apps --------------------------------------------------------------------------

def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="module")
def new_pg_database():
    """Makes empty PostgreSQL databases for this module (dropped at its end)."""
    base = (os.environ.get("TEST_DATABASE_URL") or os.environ.get("BACKUP_TEST_PG_URL")
            or PG_DEFAULT)
    server = base.rsplit("/", 1)[0]
    admin = None
    for candidate in (base, server + "/postgres"):  # the server's own database: admin only
        engine = create_engine(_driver(candidate), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect():
                admin = engine
                break
        except OperationalError:
            engine.dispose()
    if admin is None:
        pytest.skip(f"no PostgreSQL answers at {server} (set BACKUP_TEST_PG_URL)")
    made: list[str] = []

    def make() -> str:
        name = f"backup_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return f"{server}/{name}"

    yield make
    with admin.connect() as connection:
        for name in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _app(url: str, instance: Path, monkeypatch, revision: str = "head"):
    """An app on `url` with its own instance folder, the database migrated to `revision`."""
    instance.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("GOVTECH_INSTANCE", str(instance))
    app = create_app({"CONFIG_NAME": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "MAIL_OUTBOX": str(instance / "outbox"), "SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"), revision=revision)
    return app


def _sqlite_app(tmp_path: Path, name: str, monkeypatch, revision: str = "head"):
    return _app(f"sqlite:///{tmp_path}/{name}.sqlite3", tmp_path / name, monkeypatch, revision)


def _dispose(*apps) -> None:
    for app in apps:
        with app.app_context():
            db.engine.dispose()


# --- what is compared ----------------------------------------------------------------------------

def _normal(value):
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _tables(app) -> dict[str, list[tuple]]:
    """Every row of every table as the models read it, times in UTC, in key order; a JSON
    column also says whether it is SQL NULL (JSON `null` reads as None too)."""
    found = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = list(table.columns)
            nulls = [c.is_(None) for c in columns if isinstance(c.type, JSON)]
            keys = [columns.index(c) for c in table.primary_key.columns]
            rows = [tuple(_normal(v) for v in row)
                    for row in connection.execute(select(*columns, *nulls))]
            found[table.name] = sorted(rows, key=lambda row: tuple(row[i] for i in keys))
    return found


def _files(app) -> dict[str, bytes]:
    base = Path(app.instance_path) / "attachments"
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()}


def _manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


def _member_sums(path: Path) -> dict[str, str]:
    manifest = _manifest(path)
    return {e["member"]: e["sha256"] for e in [*manifest["tables"], *manifest["files"]]}


def _fill(app) -> None:
    """The demo programme (pilots, proposals, marketing, notifications, history, audit), plus
    a proposal whose PDF was replaced (two files, a kept version), two-step sign-in, a sign-in
    session, awkward text and floats."""
    from govtech.models import Proposal, User
    from govtech.services import proposals

    result = app.test_cli_runner().invoke(args=["demo", "load", "--password", "demo-password-1"])
    assert result.exit_code == 0, result.output
    manager = factories.user(app, "manager")
    town = factories.user(app, "municipality", name='改行\n\t"引用" \\ 🚀 null')
    startup = factories.user(app, "startup", two_step=True)
    challenge = factories.challenge(app, town, title="絵文字 🚀 と 'quotes'", tags=["防災", "null"])
    proposal_id = factories.proposal(app, startup, challenge, pdf=True)
    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        pdf = proposals.Upload("第2版.pdf", io.BytesIO(factories.PDF_BYTES + b"% v2\n"))
        proposals.update(db.session.get(User, startup.id), proposal, proposal.version,
                         attachment=pdf, approach="新しい提案\r\n二行目")
    pilot = factories.pilot(app, manager, challenge, startup.org_id, stage="pilot")
    factories.kpi(app, town, pilot, baseline=0.1 + 0.2, target=1e-7, actual=123456789.123456789)
    factories.notification(app, town, kind="org_pending", url="/home?x=1&y=2")
    factories.login(app.test_client(), startup)
    jobs.wait_for_threads()


# --- the round trip ------------------------------------------------------------------------------

def test_round_trip_sqlite_postgresql_sqlite_is_identical(tmp_path, monkeypatch,
                                                          new_pg_database):
    source = _sqlite_app(tmp_path, "source", monkeypatch)
    _fill(source)
    first, second, third = (tmp_path / f"{n}.tar.gz" for n in ("first", "second", "third"))
    with source.app_context():
        export_archive(first, progress=lambda _line: None)

    middle = _app(new_pg_database(), tmp_path / "middle", monkeypatch)
    with middle.app_context():
        summary = import_archive(first, progress=lambda _line: None)
        export_archive(second, progress=lambda _line: None)
    last = _sqlite_app(tmp_path, "last", monkeypatch)
    with last.app_context():
        import_archive(second, progress=lambda _line: None)
        export_archive(third, progress=lambda _line: None)

    rows = _tables(source)
    assert summary.rows["proposal_version"] >= 1 and summary.rows["audit_event"] >= 1
    assert summary.files == 2 and all(rows[name] for name in (
        "pilot", "proposal", "marketing_activity", "notification", "history_event",
        "audit_event", "user_session", "two_step", "recommendation", "pilot_kpi"))
    assert _tables(middle) == rows
    assert _tables(last) == rows
    assert len(_files(source)) == 2 and _files(middle) == _files(source) == _files(last)
    # the same data gives the same bytes, whichever database wrote the archive
    assert _member_sums(first) == _member_sums(second) == _member_sums(third)
    assert _manifest(second)["source"] == "postgresql"

    # the sequences moved past the restored ids: new records get new ones
    for app in (middle, last):
        with app.app_context():
            highest = db.session.scalar(text("SELECT max(id) FROM user_account"))
        assert factories.user(app, "startup").id > highest
    _dispose(source, middle, last)


TYPES = MetaData()
VALUES = Table(
    "backup_values", TYPES,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True)), Column("naive", DateTime), Column("day", Date),
    Column("clock", Time), Column("flag", Boolean), Column("ratio", Float),
    Column("money", Numeric(20, 6)), Column("blob", LargeBinary), Column("key", Uuid),
    Column("doc", JSON), Column("word", String(40)),
    Column("parent_id", Integer, ForeignKey("backup_values.id"), nullable=True))
ROWS = [
    {"id": 1, "at": datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC),
     "naive": datetime(2026, 1, 2, 3, 4, 5, 6), "day": date(1999, 12, 31),
     "clock": time(23, 0, 1, 5), "flag": True, "ratio": 0.1 + 0.2, "money": Decimal("1234.500001"),
     "blob": bytes(range(256)), "key": uuid.UUID(int=7), "doc": {"a": [1, None, "ü"]},
     "word": "東京", "parent_id": 2},
    {"id": 2, "at": None, "naive": None, "day": None, "clock": None, "flag": False,
     "ratio": -1.5e-300, "money": Decimal("-0.000001"), "blob": b"", "key": None,
     "doc": null(), "word": "", "parent_id": None},  # SQL NULL, where None is JSON null
]


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_every_kind_of_value_round_trips(tmp_path, request, target):
    """Times with their zone, dates, booleans, floats, decimals, binary, UUIDs, JSON (SQL NULL
    apart from JSON null) and a forward reference, written by one database, read by another."""
    urls = {"sqlite": f"sqlite:///{tmp_path}/values.sqlite3"}
    if target == "postgresql":
        urls[target] = request.getfixturevalue("new_pg_database")()
    source = create_engine(f"sqlite:///{tmp_path}/source.sqlite3")
    TYPES.create_all(source)
    with source.begin() as connection:
        connection.execute(VALUES.insert(), ROWS)
        connection.execute(VALUES.insert(), {"id": 3, "doc": JSON.NULL})
    dump = tmp_path / "values.jsonl"
    with source.connect() as connection:
        columns, count, _sum = _dump_table(connection, VALUES, dump)
        expected = connection.execute(select(VALUES).order_by(VALUES.c.id)).all()
        null_docs = connection.execute(select(VALUES.c.id).where(VALUES.c.doc.is_(None))).all()
    engine = create_engine(_driver(urls[target]))
    TYPES.create_all(engine)
    with engine.begin() as connection, open(dump, "rb") as stream:
        forward = _Forward({"tables": [{"name": VALUES.name}]})
        assert _load_table(connection, VALUES, {"columns": columns}, stream, forward) == count
        forward.apply(connection, {VALUES.name: VALUES}, lambda _line: None)
    with engine.connect() as connection:
        restored = connection.execute(select(VALUES).order_by(VALUES.c.id)).all()
        assert connection.execute(select(VALUES.c.id).where(VALUES.c.doc.is_(None))).all() \
            == null_docs == [(2,)]
    assert [tuple(map(_normal, row)) for row in restored] == \
        [tuple(map(_normal, row)) for row in expected]
    assert restored[0].at.utcoffset() is not None or target == "sqlite"
    source.dispose()
    engine.dispose()


# --- refusals ------------------------------------------------------------------------------------

@pytest.fixture
def small_archive(tmp_path, monkeypatch):
    """An archive of a small programme (one proposal with its PDF), and its source app."""
    app = _sqlite_app(tmp_path, "small", monkeypatch)
    town, startup = factories.user(app, "municipality"), factories.user(app, "startup")
    factories.proposal(app, startup, factories.challenge(app, town), pdf=True)
    jobs.wait_for_threads()
    path = tmp_path / "small.tar.gz"
    with app.app_context():
        export_archive(path, progress=lambda _line: None)
    yield app, path
    _dispose(app)


def _empty(app) -> bool:
    return not any(rows for rows in _tables(app).values())


def test_refuses_a_database_that_is_not_empty(small_archive):
    app, path = small_archive
    with app.app_context(), pytest.raises(BackupError, match="not empty"):
        import_archive(path, progress=lambda _line: None)


def test_refuses_a_database_at_another_revision(small_archive, tmp_path, monkeypatch):
    _source, path = small_archive
    older = _sqlite_app(tmp_path, "older", monkeypatch, revision="0013")
    with older.app_context(), pytest.raises(BackupError, match="revision"):
        import_archive(path, progress=lambda _line: None)
    _dispose(older)


def _rewrite(path: Path, target: Path, member: str, change) -> None:
    """Copy the archive with one member's bytes changed (its manifest entry kept)."""
    with tarfile.open(path, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for info in source.getmembers():
            data = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                data = change(data)
                info.size = len(data)
            out.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("member", ["tables/user_account.jsonl", "files"])
def test_refuses_a_corrupted_archive_and_writes_nothing(small_archive, tmp_path, monkeypatch,
                                                       member):
    _source, path = small_archive
    if member == "files":
        member = next(m for m in _member_sums(path) if m.startswith("files/"))
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(path, damaged, member, lambda data: data.replace(b"@", b"#", 1) + b" ")
    target = _sqlite_app(tmp_path, "target", monkeypatch)
    with target.app_context(), pytest.raises(BackupError, match="Checksum mismatch"):
        import_archive(damaged, progress=lambda _line: None)
    assert _empty(target) and _files(target) == {}
    _dispose(target)


def test_refuses_a_truncated_archive(small_archive, tmp_path, monkeypatch):
    _source, path = small_archive
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    not_gzip = tmp_path / "plain.tar.gz"
    not_gzip.write_bytes(gzip.decompress(path.read_bytes())[:100])
    target = _sqlite_app(tmp_path, "target", monkeypatch)
    for bad in (truncated, not_gzip):
        with target.app_context(), pytest.raises(BackupError, match="damaged"):
            import_archive(bad, progress=lambda _line: None)
    assert _empty(target)
    _dispose(target)


def test_refuses_to_replace_a_different_stored_file(small_archive, tmp_path, monkeypatch):
    source, path = small_archive
    target = _sqlite_app(tmp_path, "target", monkeypatch)
    name = next(iter(_files(source)))
    (Path(target.instance_path) / "attachments").mkdir()
    (Path(target.instance_path) / "attachments" / name).write_bytes(b"%PDF-1.4 other")
    with target.app_context(), pytest.raises(BackupError, match="other content"):
        import_archive(path, progress=lambda _line: None)
    assert _empty(target) and _files(target) == {name: b"%PDF-1.4 other"}
    _dispose(target)


# --- the commands --------------------------------------------------------------------------------

def test_cli_export_and_import(small_archive, tmp_path, monkeypatch):
    source, _path = small_archive
    archive = tmp_path / "cli.tar.gz"
    exported = source.test_cli_runner().invoke(args=["data", "export", str(archive)])
    assert exported.exit_code == 0, exported.output
    assert "exported user_account" in exported.output and "Exported in" in exported.output
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    again = source.test_cli_runner().invoke(args=["data", "export", str(archive)])
    assert again.exit_code != 0 and "--overwrite" in again.output

    target = _sqlite_app(tmp_path, "cli-target", monkeypatch)
    imported = target.test_cli_runner().invoke(args=["data", "import", str(archive)])
    assert imported.exit_code == 0, imported.output
    assert "imported user_account" in imported.output and "Imported in" in imported.output
    assert _tables(target) == _tables(source) and _files(target) == _files(source)

    refused = target.test_cli_runner().invoke(args=["data", "import", str(archive)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    _dispose(target)
