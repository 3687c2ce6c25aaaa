"""Storing the matcher's pairs: which pairs stay out, and how a returning pair comes back.

Everything here runs inside the caller's unit of work (a refresh or a rebuild); nothing
commits.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import or_, select

import matching
from govtech.extensions import db
from govtech.models import Recommendation, RecommendationState
from govtech.services import history, workflow

TOP_K = 10  # pairs kept per document and direction
CLOSED = (RecommendationState.rejected, RecommendationState.dismissed)


def pairs_closed(challenge_ids: Iterable[int] | None = None,
                 startup_ids: Iterable[int] | None = None
                 ) -> dict[tuple[int, int], Recommendation]:
    """Pairs that left `suggested` (introduced, rejected, dismissed), by (challenge, startup)."""
    query = select(Recommendation).where(Recommendation.state != RecommendationState.suggested)
    if challenge_ids is not None:
        query = query.where(Recommendation.challenge_id.in_(list(challenge_ids)))
    if startup_ids is not None:
        query = query.where(Recommendation.startup_id.in_(list(startup_ids)))
    return {(r.challenge_id, r.startup_id): r for r in db.session.scalars(query)}


def excluded(closed: dict[tuple[int, int], Recommendation], prints_c: dict[int, str],
             prints_s: dict[int, str]) -> set[tuple[str, str]]:
    """Introduced pairs, and rejected/dismissed ones whose texts have not changed since."""
    out = set()
    for (cid, sid), rec in closed.items():
        unchanged = (rec.challenge_fingerprint == prints_c.get(cid, rec.challenge_fingerprint)
                     and rec.startup_fingerprint == prints_s.get(sid, rec.startup_fingerprint))
        if rec.state == RecommendationState.introduced or unchanged:
            out.add((str(cid), str(sid)))
    return out


def save(matches: Iterable[matching.Match], prints_c: dict[int, str],
         prints_s: dict[int, str], proven_pilot_id: int | None = None,
         generation: int | None = None) -> int:
    """Insert or refresh pairs of one generation (the live one unless told); a closed pair
    that comes back (texts changed) is suggested again, on its own row.

    Pairs under RECOMMENDATION_MIN_SCORE are not kept: one shared everyday word (情報, 支援)
    is not a reason to introduce anybody.
    """
    count = 0
    if generation is None:
        generation = db.session.scalar(select(Recommendation.live_generation())) or 0
    floor = current_app.config["RECOMMENDATION_MIN_SCORE"]
    keys = {(int(m.challenge_id), int(m.startup_id)): m for m in matches if m.score >= floor}
    existing: dict[tuple[int, int], Recommendation] = {}
    if keys:
        for old in db.session.scalars(select(Recommendation).where(
                Recommendation.challenge_id.in_({c for c, _s in keys}),
                Recommendation.startup_id.in_({s for _c, s in keys}),
                or_(Recommendation.state != RecommendationState.suggested,
                    Recommendation.generation == generation))):
            existing[(old.challenge_id, old.startup_id)] = old
    for (cid, sid), match in keys.items():
        data = match.to_dict()
        rec = existing.get((cid, sid))
        if rec is None:
            rec = Recommendation(challenge_id=cid, startup_id=sid, generation=generation)
            db.session.add(rec)
        elif rec.state in CLOSED:
            previous = rec.state
            workflow.check(workflow.RECOMMENDATION, previous, RecommendationState.suggested)
            rec.state = RecommendationState.suggested
            rec.reason, rec.generation = "", generation
            db.session.flush()
            history.record("recommendation", rec.id, None, previous, rec.state,
                           "texts changed")
        rec.score, rec.text_score = data["score"], data["text_score"]
        rec.terms, rec.signals = data["terms"], data["signals"]
        rec.related = data.get("related", [])
        rec.matcher_version = matching.MATCHER_VERSION
        rec.challenge_fingerprint, rec.startup_fingerprint = prints_c[cid], prints_s[sid]
        if proven_pilot_id is not None:
            rec.proven_pilot_id = proven_pilot_id
        count += 1
    return count
