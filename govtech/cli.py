"""Command-line tasks: `flask users …` and `flask demo …`."""
from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from govtech.services import accounts
from govtech.services.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="The demo programme.")


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


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
