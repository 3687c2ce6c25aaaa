"""Command-line tasks: `flask users …` and `flask demo …`."""
from __future__ import annotations

import os
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from govtech import webhooks_cli
from govtech.services import accounts
from govtech.services.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="The demo programme.")
matching_cli = AppGroup("matching", help="Recommendations: rebuild and the background worker.")
notifications_cli = AppGroup("notifications", help="Notification e-mail.")
search_cli = AppGroup("search", help="The search index of challenges and startups.")
audit_cli = AppGroup("audit", help="The audit log of security events.")
data_cli = AppGroup("data", help="Back up and restore the whole programme (tables and files).")


@users_cli.command("create-manager")
@click.argument("email")
@click.option("--name", default="Programme office", help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given.")
def create_manager(email: str, name: str, password: str) -> None:
    """Create a programme-manager account."""
    try:
        user = accounts.create_manager(email, name, password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created manager {user.email}")
    click.echo("Two-step sign-in is required of managers: the first login asks to set it up "
               "with an authenticator app.")


@users_cli.command("totp-code")
@click.argument("email")
def totp_code(email: str) -> None:
    """Print the current two-step sign-in code of an account (demo and development only)."""
    from govtech.services import two_step

    if current_app.config["CONFIG_NAME"] == "production":
        raise click.ClickException("Refused in production: codes come from the user's own app.")
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account {email}")
    try:
        click.echo(two_step.current_code(user))
    except DomainError as error:
        raise click.ClickException(error.message) from error


@demo_cli.command("load")
@click.option("--password", default=None, help="Password for all demo users (random if omitted).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has any organisation.")
def load_demo(password: str | None, if_empty: bool) -> None:
    """Load the demo programme; running it again changes nothing."""
    from govtech.demo import load

    report = load(password=password, only_if_empty=if_empty)
    click.echo(report)
    if report.startswith("Demo users"):
        os.makedirs(current_app.instance_path, exist_ok=True)
        path = os.path.join(current_app.instance_path, "demo-credentials.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(report + "\n")
        os.chmod(path, 0o600)
        click.echo(f"(also written to {path})")


@demo_cli.command("national")
@click.option("--scale", type=click.FloatRange(min=0.001, max=1.0), default=1.0,
              help="Share of every count (0.01: a small programme in seconds).")
@click.option("--password", default=None, help="Password of every account (random if omitted).")
@click.option("--force", is_flag=True, help="Empty every table first when the database has data.")
@click.option("--yes", is_flag=True, help="Do not ask before --force empties the database.")
@click.option("--texts", "texts_dir", type=click.Path(file_okay=False), default=None,
              help="Folder of real texts to recombine (default ../shared/matching-dev).")
@click.option("--no-rebuild", is_flag=True, help="Skip the recommendations rebuild.")
def national_demo(scale: float, password: str | None, force: bool, yes: bool,
                  texts_dir: str | None, no_rebuild: bool) -> None:
    """Fill an empty database with a programme of national size (every municipality)."""
    from pathlib import Path

    from govtech.demo import national

    if force and national.has_data() and not yes:
        click.confirm("This deletes every row of every table of this database. Continue?",
                      abort=True)
    try:
        result = national.build(scale=scale, password=password, force=force,
                                texts_dir=Path(texts_dir) if texts_dir else None,
                                rebuild=not no_rebuild, echo=click.echo)
    except national.Refused as error:
        raise click.ClickException(str(error)) from error
    click.echo("\nStage                                         seconds")
    for label, seconds in result.stages:
        click.echo(f"  {label:44} {seconds:7.1f}")
    click.echo(f"  {'total':44} {result.seconds:7.1f}\n\nTable                          rows")
    for name, count in sorted(result.tables.items()):
        click.echo(f"  {name:28} {count:9,}")
    click.echo("\n" + result.credentials)
    click.echo(f"(also written to {national.write_credentials(result.credentials)})")


@matching_cli.command("rebuild")
@click.option("--timeout", default=3600, help="Seconds to wait for the job before giving up.")
def rebuild_recommendations(timeout: int) -> None:
    """Rebuild all recommendations as a background job and follow its progress.

    With REDIS_URL the RQ worker (`flask matching worker`) runs it, otherwise a thread of this
    command; pages show the previous recommendations until the new set is complete."""
    from govtech.extensions import db
    from govtech.models import MatchingRun
    from govtech.services import recommendations

    try:
        run = recommendations.start_rebuild(None)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if current_app.config.get("REDIS_URL"):
        click.echo("Queued on RQ; a worker (`flask matching worker`) runs it.")
    deadline, shown = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        db.session.expire_all()
        view = recommendations.run_view(db.session.get_one(MatchingRun, run.id))
        left = f", about {view.seconds_left} s left" if view.seconds_left else ""
        now = f"{view.run.stage or view.run.state}: {view.percent}%"
        if now != shown:  # a line per stage or percent, not per second of the estimate
            click.echo(now + left)
            shown = now
        if not view.active:
            break
        time.sleep(0.5)
    if view.active:
        raise click.ClickException(f"Still {view.run.state} after {timeout} s; it goes on.")
    if view.run.state != "finished":
        raise click.ClickException(f"Rebuild failed: {view.outcome}")
    run = view.run
    click.echo(f"Done: {run.pairs} pairs, {run.challenges} challenges, {run.startups} startups")
    seconds = view.run.stage_seconds or {}
    click.echo("Seconds per stage: " + ", ".join(f"{k} {v}" for k, v in seconds.items()))


@matching_cli.command("worker")
def worker() -> None:
    """Run the RQ worker that executes rebuilds (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set; without it jobs run in-process.")
    from govtech import worker as rq_worker

    rq_worker.work()


@notifications_cli.command("digest")
@click.argument("period", type=click.Choice(["daily", "weekly"]))
def send_digest(period: str) -> None:
    """Mail the daily or weekly digests (run from cron); empty digests are never sent."""
    from govtech.services import notifications

    click.echo(f"Sent {notifications.send_digests(period)} {period} digests.")


@search_cli.command("reindex")
def reindex_search() -> None:
    """Rebuild the search terms of every challenge and startup (after an upgrade)."""
    from govtech.services import challenges, startups

    click.echo(f"Reindexed {challenges.reindex_all()} challenges and "
               f"{startups.reindex_all()} startups.")


@audit_cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days (default: AUDIT_RETENTION_DAYS, 365).")
def prune_audit(days: int | None) -> None:
    """Delete audit events older than the retention period (run daily from cron); the pruning
    is itself recorded in the log."""
    from govtech.services import audit

    kept = days or current_app.config["AUDIT_RETENTION_DAYS"]
    click.echo(f"Deleted {audit.prune(days)} audit events older than {kept} days.")


@data_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
def export_data(file: str, overwrite: bool) -> None:
    """Write every table and stored file to FILE (.tar.gz), to restore with `data import`."""
    from govtech.backup import export_archive
    from govtech.backup_codec import BackupError

    try:
        summary = export_archive(file, progress=click.echo, overwrite=overwrite)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.report())


@data_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_data(file: str) -> None:
    """Restore FILE into this empty database (migrated to the archive's revision)."""
    from govtech.backup_codec import BackupError
    from govtech.backup_restore import import_archive

    try:
        summary = import_archive(file, progress=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.report())


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(matching_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(data_cli)
    webhooks_cli.init_app(app)
