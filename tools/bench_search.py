"""Search benchmark: seed N challenges into a throwaway database, time searches through the app.

    python -m tools.bench_search [--challenges 20000] [--repeat 30] [--database-url URL]

Prints p50/p95 per query (Japanese and English, with and without filters) and overall. The
database is a fresh SQLite file in a temporary folder unless --database-url names another
(its tables are dropped and recreated: never point it at real data). After seeding it runs
ANALYZE, and VACUUM ANALYZE on PostgreSQL, so the timings are those of a maintained database
(autovacuum keeps a real one analysed and its visibility map set), not of a fresh table that
autovacuum happens to catch up with halfway through the timed loop.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from govtech import create_app
from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, Organisation, OrgKind, OrgState, SearchTerm
from govtech.reference import CATEGORIES, PREFECTURES
from govtech.services import challenges, search
from matching import synth

QUERIES = ["防災", "テレワーク", "子育て 支援", "オンライン申請", "観光 データ", "telework",
           "data", "MaaS", "防災&category=disaster", "&prefecture=13&sort=deadline"]
KEY_BY_JA = {ja: key for key, (ja, _label) in CATEGORIES.items()}


def seed(n: int) -> None:
    """Approved municipalities in every prefecture, and n challenges with their search terms."""
    orgs = [Organisation(kind=OrgKind.municipality, name=f"{ja}ベンチ市", state=OrgState.approved,
                         prefecture=code, regions_served=[])
            for code, (ja, _en, _region) in PREFECTURES.items()]
    db.session.add_all(orgs)
    db.session.flush()
    by_pref = {org.prefecture: org.id for org in orgs}
    orgs_by_id = {org.id: org.name for org in orgs}
    codes = list(PREFECTURES)
    rows, terms = [], []
    for i, doc in enumerate(synth.challenges(n)):
        cats = [KEY_BY_JA.get(c, "other") for c in doc.categories]
        pref = codes[i % len(codes)]
        rows.append({"id": i + 1, "organisation_id": by_pref[pref], "title": doc.title[:200],
                     "summary": doc.body[:120], "description": doc.body, "categories": cats,
                     "tags": list(doc.tags), "desired_outcome": "", "version": 1,
                     "state": ChallengeState.open if i % 10 else ChallengeState.closed})
        # the two term lists services.challenges keeps: public fields, and every field
        facets = [search.facet("category", c) for c in cats] + [search.facet("prefecture", pref)]
        org_name = orgs_by_id[by_pref[pref]]
        public = search.terms_of([rows[-1]["title"], rows[-1]["summary"], org_name], facets)
        full = public | search.terms_of([doc.body, " ".join(doc.tags)])
        for entity_type, words in ((challenges.PUBLIC_INDEX, public), ("challenge", full)):
            terms += [{"entity_type": entity_type, "entity_id": i + 1, "term": t}
                      for t in words]
    db.session.execute(Challenge.__table__.insert(), rows)
    db.session.execute(SearchTerm.__table__.insert(), terms)
    db.session.commit()
    # Planner statistics and, on PostgreSQL, the visibility map that lets index-only scans of
    # search_term skip the heap (see the module docstring).
    maintain = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(maintain))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--challenges", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="govtech-bench-")
    url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    app = create_app({"CONFIG_NAME": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        seed(args.challenges)
        print(f"seeded {args.challenges} challenges on {db.engine.dialect.name} "
              f"in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    everything = []
    print(f"{'query':32} {'results':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for query in QUERIES:
        url_path = f"/challenges/?q={query}"
        page = client.get(url_path)  # warm-up, and a check that it works
        assert page.status_code == 200, page.status_code
        found = page.get_data(as_text=True).count('class="item-card"')
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            client.get(url_path)
            times.append((time.perf_counter() - t0) * 1000)
        everything += times
        q95 = statistics.quantiles(times, n=20)[-1]
        print(f"{query:32} {found:>8} {statistics.median(times):8.1f} {q95:8.1f}")
    print(f"{'all queries':32} {'':>8} {statistics.median(everything):8.1f} "
          f"{statistics.quantiles(everything, n=20)[-1]:8.1f}")
    with app.app_context():
        db.drop_all()


if __name__ == "__main__":
    main()
