"""How long login, sign-up, forgot-password and invitation take for an address that has an
account and one that has not (issue 10 item 4): a benchmark that prints, never a test.

    python -m tools.bench_login_timing [rounds]

It uses a throw-away SQLite database and the production password hash (scrypt), posts through
the test client, and prints the median time of each answer and their difference. The answers
are asserted identical by the test suite (tests/views/test_auth_views.py); timings depend on
the machine and are only measured here.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from govtech import create_app
from govtech.extensions import db, limiter

STRONG = "kawagoe-lantern-route-58"


def _median(client, url: str, data, email: str, rounds: int) -> float:
    times = []
    for n in range(rounds):
        limiter.reset()
        posted = data(email.format(n=n))
        start = time.perf_counter()
        client.post(url, data=posted)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(rounds: int = 7) -> None:
    folder = Path(tempfile.mkdtemp(prefix="govtech-timing-"))
    app = create_app({"CONFIG_NAME": "test", "PASSWORD_HASH_METHOD": "scrypt",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/timing.sqlite3",
                      "MAIL_OUTBOX": str(folder / "outbox"), "SERVER_NAME": "localhost"})
    with app.app_context():
        db.create_all()
    from govtech.services import accounts

    with app.test_request_context():
        accounts.create_manager("known@example.jp", "Known", STRONG)
    client = app.test_client()
    signup = {"kind": "startup", "org_name": "計測株式会社", "prefecture": "13", "lg_code": "",
              "name": "計測", "password": STRONG, "password_confirm": STRONG}
    cases = [("login", "/login", lambda email: {"email": email, "password": "wrong-guess-000"}),
             ("forgot", "/password/forgot", lambda email: {"email": email}),
             ("signup", "/signup", lambda email: {**signup, "email": email})]
    print(f"{'answer':8} {'known (ms)':>11} {'unknown (ms)':>13} {'difference':>11}")
    for name, url, data in cases:
        known = _median(client, url, data, "known@example.jp", rounds)
        unknown = _median(client, url, data, f"unknown-{name}-{{n}}@example.jp", rounds)
        print(f"{name:8} {known * 1000:11.1f} {unknown * 1000:13.1f} "
              f"{(known - unknown) * 1000:+11.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
