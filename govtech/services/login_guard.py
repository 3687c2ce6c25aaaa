"""A growing delay for an account under attack, which never locks its owner out for long.

After LOGIN_DELAY_AFTER failed logins to one address within LOGIN_DELAY_WINDOW seconds, each
further failure makes the next attempt wait: LOGIN_DELAY_SECONDS, then twice as long after each
failure, never more than LOGIN_DELAY_MAX_SECONDS (15 minutes). While an address waits no password
is tried at all. A successful login clears the count. This sits beside the rate limits per
account and per client address (Flask-Limiter, govtech.blueprints.auth.views), and is kept in
the same storage (memory or Redis), so the counts expire by themselves.

When Redis (the shared storage) cannot be reached, the limiter falls back to this process's
memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and so does the guard, with a logged warning:
logins keep working and keep being slowed, per worker, until Redis answers again.

The key is the normalised address tried, whether or not it has an account: an unknown address
slows down exactly like a real one, so the delay tells nobody which addresses exist.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app
from limits.storage import MemoryStorage, Storage

from govtech.extensions import limiter

_fallback = MemoryStorage()


def _key(kind: str, email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login-guard:{kind}:{digest}"


def _storage() -> Storage:
    """The limiter's storage while it answers; this process's memory while it does not (or
    while rate limiting is switched off, RATELIMIT_ENABLED=False)."""
    if not limiter.enabled:
        return _fallback
    storage = limiter.limiter.storage
    if storage is _fallback or storage.check():
        return storage
    current_app.logger.warning("Rate-limit storage unreachable: login delays are kept in this "
                               "process's memory until it answers again")
    return _fallback


def waiting(email: str) -> int:
    """Seconds this address must still wait before its next attempt (0: none)."""
    storage = _storage()
    key = _key("wait", email)
    if not storage.get(key):
        return 0
    return max(1, math.ceil(storage.get_expiry(key) - time.time()))


def wait_after(failures: int) -> int:
    """The wait after `failures` failed attempts in the window (0 below the threshold)."""
    config = current_app.config
    over = failures - config["LOGIN_DELAY_AFTER"]
    if over < 0:
        return 0
    return int(min(config["LOGIN_DELAY_SECONDS"] * 2 ** min(over, 20),
                   config["LOGIN_DELAY_MAX_SECONDS"]))


def failed(email: str) -> bool:
    """Count a failed attempt; True when it is the one that starts the delay (tell the owner)."""
    storage = _storage()
    failures = storage.incr(_key("failures", email), current_app.config["LOGIN_DELAY_WINDOW"])
    wait = wait_after(failures)
    if wait:
        key = _key("wait", email)
        storage.clear(key)
        storage.incr(key, wait)
    return failures == current_app.config["LOGIN_DELAY_AFTER"]


def succeeded(email: str) -> None:
    """The owner got in: the count starts again."""
    storage = _storage()
    for kind in ("failures", "wait"):
        storage.clear(_key(kind, email))
