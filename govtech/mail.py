"""Sending e-mail: SMTP when MAIL_SERVER is configured, otherwise an outbox folder and the log."""
from __future__ import annotations

import os
import time
from pathlib import Path

from flask import current_app
from flask_mail import Message

from govtech.extensions import mail


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text message; development keeps it readable under instance/outbox."""
    message = Message(subject=subject, recipients=[to], body=body)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
        return
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{os.getpid()}.eml"
    (outbox / name).write_bytes(message.as_bytes())
    current_app.logger.info("Mail to %s (%s) written to %s", to, subject, outbox / name)
