"""``DATABASE_URL=postgresql://… python -m tools.bench_rebuild [--saves 5] [--json]``.

Measures the stored recommendation rebuild on the database it is given (national data:
`flask demo national`) exactly as `flask matching rebuild` runs it without Redis: a background
thread of this process, from the request to the run marked finished. Prints the whole rebuild
end to end, the seconds of each stage (loading texts, fitting, scoring, writing, swapping,
the rest being the 横展開 refresh and cleanup), the pairs written; then the refresh after one
challenge is saved (the save's own transaction, then the re-scoring of that challenge against
the index this process holds, as a web worker does after a rebuild), a few times, and once
with a cold index (a process that has not fitted it yet); and /proc/loadavg before and after.

It changes the database (a new generation, a few challenges' texts): run it on a copy.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from sqlalchemy import func, select


def _loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return handle.read().strip()


def _rebuild() -> dict:
    from govtech import jobs
    from govtech.extensions import db
    from govtech.models import MatchingRun
    from govtech.services import recommendations

    start = time.perf_counter()
    run_id = recommendations.start_rebuild(None).id
    jobs.wait_for_threads(timeout=3600)
    wall = time.perf_counter() - start
    db.session.expire_all()
    run = db.session.get_one(MatchingRun, run_id)
    if run.state != "finished":
        raise SystemExit(f"rebuild {run.state}: {run.message}")
    return {"rebuild_s": round(wall, 2), "pairs": run.pairs, "challenges": run.challenges,
            "startups": run.startups, "stages_s": run.stage_seconds}


def _save_one(challenge_id: int, n: int) -> dict:
    """Save one challenge as its town would; time the save and the refresh it triggers."""
    from govtech import jobs
    from govtech.extensions import db
    from govtech.models import Challenge, User
    from govtech.services import challenges
    from govtech.services.recommendations import index

    challenge = db.session.get_one(Challenge, challenge_id)
    actor = db.session.scalar(select(User).where(
        User.organisation_id == challenge.organisation_id).order_by(User.id).limit(1))
    timings: dict[str, float] = {}
    real_refresh = index._REFRESHERS["challenge"]

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    index._REFRESHERS["challenge"] = timed("refresh", real_refresh)
    try:
        start = time.perf_counter()
        challenges.update(actor, challenge, expected_version=challenge.version,
                          description=f"{challenge.description}\n（追記 {n}）")
        timings["save_and_refresh"] = time.perf_counter() - start
        start = time.perf_counter()
        jobs.wait_for_threads(timeout=600)  # the 横展開 check (and a cold refresh): threads
        timings["threads"] = time.perf_counter() - start
    finally:
        index._REFRESHERS["challenge"] = real_refresh
    return {k: round(v, 3) for k, v in timings.items()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=5, help="challenge saves to time")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the database to measure (a copy: it is changed).")
    os.environ.pop("REDIS_URL", None)  # the in-process path of `flask matching rebuild`

    from govtech import create_app
    from govtech.extensions import db
    from govtech.models import Challenge, ChallengeState, Recommendation
    from govtech.services import recommendations

    app = create_app()
    out: dict = {"load_start": _loadavg()}
    with app.test_request_context():
        db_name = db.engine.url.database
        out["database"] = f"{db.engine.url.get_backend_name()}:{db_name}"
        out.update(_rebuild())
        live = db.session.scalar(select(func.count()).where(Recommendation.live()))
        out["live_pairs"] = live
        ids = db.session.scalars(select(Challenge.id).where(
            Challenge.state == ChallengeState.open).order_by(Challenge.id)
            .limit(args.saves + 1)).all()
        saves = [_save_one(cid, n) for n, cid in enumerate(ids[:args.saves])]
        out["refresh_after_save_s"] = [s.get("refresh", 0.0) for s in saves]
        out["replication_after_save_s"] = [s.get("threads", 0.0) for s in saves]
        out["save_and_refresh_s"] = [s["save_and_refresh"] for s in saves]
        recommendations.forget_index()  # a process that has not fitted the index yet
        cold = _save_one(ids[-1], len(ids)) if ids else {}
        out["cold_refresh_s"] = cold.get("refresh")  # in a thread: the save did not wait
    out["load_end"] = _loadavg()

    print(f"database                {out['database']}")
    print(f"loadavg at start        {out['load_start']}")
    print(f"rebuild end to end      {out['rebuild_s']:.2f} s  (target < 60 s)")
    for stage, seconds in (out["stages_s"] or {}).items():
        print(f"  {stage:<21} {seconds} s")
    print(f"pairs written           {out['pairs']}  ({out['challenges']} challenges × "
          f"{out['startups']} startups); live now {out['live_pairs']}")
    if saves:
        refresh = out["refresh_after_save_s"]
        print(f"refresh after one save  median {statistics.median(refresh):.3f} s, max "
              f"{max(refresh):.3f} s over {len(refresh)} saves  (target < 1 s)")
        print(f"  save + refresh        {out['save_and_refresh_s']}")
        print(f"  横展開 check after it {out['replication_after_save_s']}  (a background thread;"
              " the save does not wait)")
        print(f"  cold index refresh    {out['cold_refresh_s']} s  (first save in a fresh "
              "process: fits the index in a thread; the save itself does not wait)")
    print(f"loadavg at end          {out['load_end']}")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
