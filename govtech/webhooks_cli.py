"""`flask webhooks deliver-due`: send the webhook deliveries whose (re)try time has come.

The first attempt of a delivery is a background job queued when the event is stored; retries
wait for their `next_attempt_at` (1 min, 5 min, 30 min, 2 h, 12 h). Run this every minute from
cron or a systemd timer, or leave `--loop` running beside the RQ worker.
"""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

webhooks_cli = AppGroup("webhooks", help="Webhook deliveries.")


@webhooks_cli.command("deliver-due")
@click.option("--loop", is_flag=True, help="Keep running, looking for due deliveries.")
@click.option("--every", default=30, show_default=True, help="Seconds between looks (--loop).")
def deliver_due(loop: bool, every: int) -> None:
    """Send every delivery that is due now (first attempts left over and retries)."""
    from govtech.services import webhook_delivery

    while True:
        tried = webhook_delivery.deliver_due()
        click.echo(f"{tried} deliveries tried.")
        if not loop:
            return
        time.sleep(max(1, every))


def init_app(app: Flask) -> None:
    app.cli.add_command(webhooks_cli)
