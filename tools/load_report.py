"""The load test's report: settings, per-page percentiles, errors, load average, JSON line."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from tools.load_plan import Plan

TARGET_P95_MS = 150  # the target per page at 50 users
STEP_P95_MS = 500  # the step run's limit


def _ms(value: float | None) -> float:
    return round(float(value or 0), 1)


def summary(stats, users: int, seconds: float) -> dict:
    """The run's figures in the JSON line's shape (pages by name, not by URL)."""
    total = stats.total
    pages = {}
    for (name, _method), entry in sorted(stats.entries.items()):
        if not entry.num_requests:  # a page of an earlier step only
            continue
        pages[name] = {"requests": entry.num_requests, "errors": entry.num_failures,
                       "p50_ms": _ms(entry.get_response_time_percentile(0.50)),
                       "p95_ms": _ms(entry.get_response_time_percentile(0.95)),
                       "p99_ms": _ms(entry.get_response_time_percentile(0.99))}
    requests = total.num_requests
    return {"users": users, "seconds": round(seconds, 1), "requests": requests,
            "errors": total.num_failures, "rps": round(requests / seconds, 1) if seconds else 0,
            "p50_ms": _ms(total.get_response_time_percentile(0.50)) if requests else 0,
            "p95_ms": _ms(total.get_response_time_percentile(0.95)) if requests else 0,
            "p99_ms": _ms(total.get_response_time_percentile(0.99)) if requests else 0,
            "pages": pages}


def header(args: argparse.Namespace, shown: dict, health: dict, plan: Plan, before: str) -> None:
    print(f"Load test: {', '.join(map(str, args.steps)) if args.steps else args.users} users, "
          f"{args.seconds:g} s{' per step' if args.steps else ''}, spawn {args.spawn_rate:g}/s, "
          f"think time {args.think} s, gunicorn --workers {args.workers} on "
          f"{shown['PUBLIC_BASE_URL'].replace('https', 'http')} ({os.cpu_count()} CPUs)")
    print("Server environment (production config; see tools/load_run.server_env for why):")
    for name, value in shown.items():
        print(f"  {name}={value}")
    print("Rate limits: the defaults. Each account signs in once and keeps its session (only "
          "failed logins count against the limits); users beyond the accounts of a role (the "
          "managers) share a signed-in session, as a second browser tab would.")
    print(f"Health: {json.dumps(health)}")
    print("Accounts and targets (tools/load_plan.py):")
    print(plan.summary())
    print(f"Load average before: {before}", flush=True)
    print("Each user signs in first; the figures below are the steady window after that.")


def sign_in_line(phase: dict) -> None:
    """The sign-in phase before the measured window: how long users took to start."""
    logins = {name: page for name, page in phase["pages"].items() if "log" in name}
    count = sum(page["requests"] for page in logins.values())
    worst = max((page["p95_ms"] for page in logins.values()), default=0)
    print(f"  sign-in phase: {phase['users']} users started in {phase['seconds']:g} s, "
          f"{count} login requests (worst p95 {worst:.0f} ms), {phase['errors']} errors; "
          "then the measured window", flush=True)


def step_line(result: dict) -> None:
    print(f"  step {result['users']:4} users: {result['rps']:7.1f} req/s, p50 "
          f"{result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, p99 "
          f"{result['p99_ms']:.0f} ms, {result['errors']} errors / {result['requests']}",
          flush=True)


def _table(result: dict) -> None:
    print(f"{'page':48} {'reqs':>6} {'errs':>5} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    rows = sorted(result["pages"].items(), key=lambda item: -item[1]["p95_ms"])
    for name, page in rows:
        flag = "  > target" if page["p95_ms"] > TARGET_P95_MS else ""
        print(f"{name[:48]:48} {page['requests']:6} {page['errors']:5} {page['p50_ms']:6.0f} "
              f"{page['p95_ms']:6.0f} {page['p99_ms']:6.0f}{flag}")
    print(f"{'all':48} {result['requests']:6} {result['errors']:5} {result['p50_ms']:6.0f} "
          f"{result['p95_ms']:6.0f} {result['p99_ms']:6.0f}")
    print(f"{result['rps']:.1f} requests/s over {result['seconds']:g} s with "
          f"{result['users']} users; {result['errors']} errors")


def _server_log(log: Path) -> tuple[list[dict], list[str]]:
    """The server's request-log lines (one per request; each redirect hop counts) and the
    first lines of any traceback."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    records = []
    for line in lines:
        if line.startswith('{"time"'):
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    problems = [line for line in lines if "Traceback" in line or "[ERROR]" in line
                or "[CRITICAL]" in line][:5]
    return records, problems


def _server_time(records: list[dict], top: int = 12) -> None:
    """Where the workers' time went, by endpoint, from the server's own durations (no queueing
    in them: a page slow here is slow by itself, one fast here but slow above waited for a
    worker)."""
    by_endpoint: dict[str, list[float]] = {}
    for record in records:
        if record.get("duration_ms") is not None:
            key = f"{record['method']} {record.get('endpoint')}"
            by_endpoint.setdefault(key, []).append(float(record["duration_ms"]))
    total = sum(sum(times) for times in by_endpoint.values()) or 1
    print("Server time by endpoint (request log; whole run, sign-ins included):")
    print(f"  {'endpoint':44} {'n':>6} {'p50':>6} {'p95':>6} {'share':>6}")
    rows = sorted(by_endpoint.items(), key=lambda item: -sum(item[1]))[:top]
    for key, times in rows:
        times.sort()
        p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"  {key[:44]:44} {len(times):6} {p50:6.0f} {p95:6.0f} "
              f"{100 * sum(times) / total:5.1f}%")


def finish(args: argparse.Namespace, results: list[dict], details: list[str], before: str,
           after: str, log: Path) -> int:
    result = results[-1]
    print()
    _table(result)
    if details:
        print("First errors:")
        for detail in details[:5]:
            print(f"  {detail}")
    records, problems = _server_log(log)
    print(f"Server request log: {len(records)} JSON lines (each redirect hop is one request)")
    if records:
        _server_time(records)
    for problem in problems:
        print(f"  server: {problem[:200]}")
    print(f"Load average before: {before}")
    print(f"Load average after:  {after}")
    line: dict = dict(result)
    if args.steps:
        under = [r["users"] for r in results if r["p95_ms"] < STEP_P95_MS and not r["errors"]]
        best = max(under) if under else 0
        print(f"Highest user count with p95 under {STEP_P95_MS} ms and no errors: {best or 'none'}")
        line["steps"] = [{k: r[k] for k in ("users", "rps", "p50_ms", "p95_ms", "p99_ms",
                                            "requests", "errors")} for r in results]
        line["max_users_p95_under_500ms"] = best
    if args.json:
        print(json.dumps(line, ensure_ascii=False, separators=(",", ":")), flush=True)
    return 0
