"""Dashboard benchmark: each figure of services.dashboard, timed for each role on DATABASE_URL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/govtech_national \\
        python -m tools.bench_dashboard [--repeat 7]

For a manager (the whole programme), the busiest municipality and the busiest startup, each
figure function is called `--repeat` times after one warm-up call; prints the median and the
slowest call in milliseconds per figure and role, the whole page's figures together, and the
load average before and after (the machine is shared: read the numbers beside it). The database
is only read (tools.bench_readonly opens every connection read-only).
"""
from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable

from govtech.blueprints.dashboard.tables import TABLES
from govtech.extensions import db
from govtech.services import dashboard
from tools.bench_readonly import app_on_database_url, load_average, people

FIGURES: dict[str, Callable[[dashboard.Scope], object]] = {
    "funnel": dashboard.funnel,
    "current_by_stage": dashboard.current_by_stage,
    "summary": dashboard.summary,
    "by_category": dashboard.by_category,
    "by_prefecture": dashboard.by_prefecture,
    "median_days": dashboard.median_days,
    "not_adopted_reasons": dashboard.not_adopted_reasons,
    "marketing_by_month": dashboard.marketing_by_month,
}
LIMIT_MS = 200.0


def _page(scope: dashboard.Scope) -> object:
    """Everything the dashboard page computes: every table and the key figures."""
    return [build(scope) for build in TABLES.values()], dashboard.summary(scope)


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up: the first call pays for connecting and the database's cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
        db.session.rollback()  # no identity map carried from one call to the next
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    app = app_on_database_url()
    print(f"load average before: {load_average()}")
    over = []
    with app.test_request_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        who = people()
        print(f"{'figure':22} {'role':13} {'median ms':>10} {'max ms':>8}")
        for role, user in who.items():
            scope = dashboard.scope_for(user)
            rows: list[tuple[str, Callable[[], object]]] = [
                (name, functools.partial(figure, scope)) for name, figure in FIGURES.items()]
            rows.append(("(whole page)", functools.partial(_page, scope)))
            for name, call in rows:
                times = timed(call, args.repeat)
                median, worst = statistics.median(times), max(times)
                flag = ""
                if name != "(whole page)" and median > LIMIT_MS:
                    flag = f"  over {LIMIT_MS:.0f} ms"
                    over.append(f"{name} as {role}")
                print(f"{name:22} {role + ' ' + str(scope.org_id or ''):13} {median:10.1f} "
                      f"{worst:8.1f}{flag}")
    print(f"load average after: {load_average()}")
    print(f"figures over {LIMIT_MS:.0f} ms (median): {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
