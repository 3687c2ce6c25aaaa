"""Load test: `python -m tools.load` (or `make load`) against DATABASE_URL.

Starts gunicorn (production config, 4 workers) on a free 127.0.0.1 port, signs in users of
every role through the real login forms, and drives a weighted mix of pages and form posts with
locust (headless, as a library) for a bounded number of users and seconds. Prints p50/p95/p99
per page, requests per second, errors and the load average before and after; with --json a last
line {"users":…,"seconds":…,"requests":…,"errors":…,"rps":…,"p50_ms":…,…,"pages":{…}}.

    python -m tools.load --users 50 --seconds 60
    python -m tools.load --step 50,100,150,200 --seconds 30

gevent's monkey-patching happens here, first, and only in this process: the test suite runs
this tool as a subprocess and never imports locust (tools/load_*.py are imported from here).
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from gevent import monkey

    monkey.patch_all()
    from tools import load_run

    return load_run.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
