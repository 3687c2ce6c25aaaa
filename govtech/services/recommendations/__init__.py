"""Recommendations: with search, the only adapter between the app and the matcher.

The app maps its challenges and startups onto the matcher's documents (`documents`), asks for
ranked pairs and stores them with their explanation and the matcher's version (`store`). A new
or edited document is scored at once against the index this process holds (`index`); a full
rebuild refits everything in a background job, writes a new generation of pairs in bulk and
swaps it in at once (`rebuild`, `generations`), recording its progress in a MatchingRun row
(`runs`). Readers see only the live generation (`Recommendation.live()`).
People read, hide and review the pairs (`review`), each with its level, reason and whole-word
chips (`levels`, `explanations`); either party can say 関心あり (`interest`); pairs that already
exist as a pilot or proposal are never suggested again and show as a badge (`pairs`);
introducing a pair starts a pilot and so lives apart, in `govtech.services.introductions`.

A rejected or dismissed pair stays out while both texts are as they were when it was scored:
each stored pair keeps a fingerprint of both documents.
"""
from govtech.services.recommendations.documents import (
    challenge_doc,
    fingerprint,
    replication_doc,
    startup_doc,
)
from govtech.services.recommendations.explanations import (
    display_terms,
    explain,
    reason,
    with_explanations,
)
from govtech.services.recommendations.index import (
    forget_index,
    refresh_challenge,
    refresh_quietly,
    refresh_replication,
    refresh_startup,
)
from govtech.services.recommendations.interest import express as express_interest
from govtech.services.recommendations.interest import withdraw as withdraw_interest
from govtech.services.recommendations.levels import level
from govtech.services.recommendations.pairs import PairStatus, PairStatuses
from govtech.services.recommendations.pairs import for_challenges as pairs_for_challenges
from govtech.services.recommendations.pairs import of_challenge as pairs_of_challenge
from govtech.services.recommendations.pairs import statuses as pair_statuses
from govtech.services.recommendations.pairs import with_startup as pair_with_startup
from govtech.services.recommendations.rebuild import CannotQueue, run_rebuild, start_rebuild
from govtech.services.recommendations.review import (
    CONFLICT,
    Filters,
    close,
    dismiss,
    folded,
    for_challenge,
    for_startup,
    get_for,
    live_by_id,
    reject,
    require_manager,
    set_note,
    visible_query,
)
from govtech.services.recommendations.runs import latest_run
from govtech.services.recommendations.runs import view as run_view
from govtech.services.recommendations.store import TOP_K

__all__ = [
    "CONFLICT",
    "CannotQueue",
    "TOP_K",
    "Filters",
    "challenge_doc",
    "close",
    "dismiss",
    "display_terms",
    "explain",
    "express_interest",
    "level",
    "pair_statuses",
    "pair_with_startup",
    "pairs_for_challenges",
    "pairs_of_challenge",
    "PairStatus",
    "PairStatuses",
    "reason",
    "withdraw_interest",
    "fingerprint",
    "folded",
    "for_challenge",
    "for_startup",
    "forget_index",
    "get_for",
    "latest_run",
    "live_by_id",
    "refresh_challenge",
    "refresh_quietly",
    "refresh_replication",
    "refresh_startup",
    "reject",
    "replication_doc",
    "require_manager",
    "run_rebuild",
    "run_view",
    "set_note",
    "start_rebuild",
    "startup_doc",
    "visible_query",
    "with_explanations",
]
