"""The fitted index: vectors of every challenge and startup, hub scores and signals.

Fit once (tokenise → vectorise → all-pairs top-n in both directions, which gives the hub
scores), then rank indexed documents in either direction or score a new or edited document
against the index without refitting. The score is defined in :mod:`matching.scoring`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matching.config import MatcherConfig
from matching.explain import related_pair_arrays, shared_term_arrays
from matching.results import PairTable
from matching.scoring import CategoryCoder, SideFacts, pair_scores, signal_values
from matching.signals import challenge_facts, startup_facts
from matching.tokens import DocTokens, TokenCache, thread_tokenizer, tokenize_all, tokenize_doc
from matching.topk import chunked_topn, exact_scores, hub_of_values, hub_scores, keep_top_terms
from matching.types import ChallengeDoc, Match, ScoredResult, StartupDoc
from matching.vectorize import TextSpace

Progress = Callable[[int, int], None]
Pairs = Collection[tuple[str, str]]


@dataclass
class Side:
    """Everything the index keeps about one side (challenges or startups)."""

    ids: list[str]
    row: dict[str, int]
    word: sp.csr_matrix  # word TF-IDF, for explanations
    text: sp.csr_matrix  # text vectors, for scoring
    facts: SideFacts
    cats: list[frozenset[str]]
    prefs: list[str]  # challenge prefecture ("" for startups)
    empty: dict[str, str]  # id → reason, for documents that get no recommendations
    explain: sp.csr_matrix | None = None  # pruned word vectors for batch explanations
    top: sp.csr_matrix = field(
        default_factory=lambda: sp.csr_matrix((0, 0))
    )  # top-n text candidates per row
    hub: np.ndarray = field(default_factory=lambda: np.zeros(0))
    text_t: sp.csr_matrix | None = None  # text.T as CSR (term → documents), built on first use

    def columns(self) -> sp.csr_matrix:
        """The transposed text matrix, kept so that a query costs only its terms' postings."""
        if self.text_t is None:
            self.text_t = sp.csr_matrix(self.text.T)
        return self.text_t


def _reason(tokens: DocTokens, nnz: int) -> str:
    if tokens.empty:
        return "empty"
    return "no_terms" if nnz == 0 else ""


class Matcher:
    """Fit once on the participating documents, query many times in either direction."""

    def __init__(self, config: MatcherConfig | None = None) -> None:
        self.config = config or MatcherConfig()
        self.space = TextSpace(self.config)

    def fit(
        self,
        challenges: Sequence[ChallengeDoc],
        startups: Sequence[StartupDoc],
        *,
        progress: Progress | None = None,
        tokens_cache: TokenCache | None = None,
        workers: int = 2,
    ) -> Matcher:
        """Tokenise (from ``tokens_cache`` where fresh) and index exactly these documents.

        ``progress(done, total)`` runs during tokenising and the all-pairs products.
        """
        total = 2 * (len(challenges) + len(startups))
        step = None if progress is None else (lambda done, _t: progress(done, total))
        docs: list[ChallengeDoc | StartupDoc] = [*challenges, *startups]
        tokens = tokenize_all(docs, workers=workers, progress=step, cache=tokens_cache)
        n = len(challenges)
        return self.fit_tokens(
            challenges, startups, tokens[:n], tokens[n:], progress=progress, workers=workers
        )

    def fit_tokens(
        self,
        challenges: Sequence[ChallengeDoc],
        startups: Sequence[StartupDoc],
        challenge_tokens: Sequence[DocTokens],
        startup_tokens: Sequence[DocTokens],
        *,
        progress: Progress | None = None,
        workers: int = 2,
    ) -> Matcher:
        """Index documents whose tokens are already known (the cached-token path)."""
        cfg = self.config
        self.space.fit(challenge_tokens, startup_tokens)
        c_facts = [challenge_facts(d) for d in challenges]
        s_facts = [startup_facts(d) for d in startups]
        names = {c for f in c_facts for c in f.categories}
        names.update(c for f in s_facts for c in f.categories)
        self._coder = CategoryCoder(names)
        self.c = self._side(challenges, challenge_tokens, True, self._coder.challenges(c_facts))
        self.s = self._side(startups, startup_tokens, False, self._coder.startups(s_facts))
        self.c.cats, self.s.cats = [f.categories for f in c_facts], [f.categories for f in s_facts]
        self.c.prefs = [f.prefecture for f in c_facts]
        self.s.prefs = [""] * len(startups)
        self.space.fit_counts = None

        done, total = len(challenges) + len(startups), 2 * (len(challenges) + len(startups))

        def tick(rows: int) -> None:
            nonlocal done
            done += rows
            if progress is not None:
                progress(done, total)

        n = max(cfg.candidates, cfg.hub_k)
        pruned = max(len(self.c.ids), len(self.s.ids)) > cfg.prune_above
        keep = cfg.retrieval_terms if pruned else 0
        c_ret, s_ret = keep_top_terms(self.c.text, keep), keep_top_terms(self.s.text, keep)
        if pruned:
            for side, ret in ((self.c, c_ret), (self.s, s_ret)):
                same = side.word is side.text  # α = 1: the retrieval vectors are the word vectors
                side.explain = ret if same else keep_top_terms(side.word, cfg.retrieval_terms)
        c_top = self._candidates(c_ret, s_ret, n, workers, tick)
        s_top = self._candidates(s_ret, c_ret, n, workers, tick)
        del c_ret, s_ret
        if pruned:  # rescore the pairs found in either direction once, exactly
            c_top, s_top = exact_scores(self.c.text, self.s.text, c_top, s_top)
        for side, other, top in ((self.c, self.s, c_top), (self.s, self.c, s_top)):
            side.top = top
            side.hub = hub_scores(top, min(cfg.hub_k, len(other.ids)))
        return self

    def coder_names(self) -> list[str]:
        """Category names by bit (the order of :class:`CategoryCoder`)."""
        return sorted(self._coder.bit, key=self._coder.bit.__getitem__)

    def _candidates(
        self,
        a: sp.csr_matrix,
        b: sp.csr_matrix,
        n: int,
        workers: int,
        tick: Callable[[int], None],
    ) -> sp.csr_matrix:
        """Top-n pairs per row of a @ b.T, in row chunks."""
        return chunked_topn(
            a, b, n, chunk_rows=self.config.chunk_rows, threads=workers, progress=tick
        )

    def _side(
        self,
        docs: Sequence[ChallengeDoc] | Sequence[StartupDoc],
        tokens: Sequence[DocTokens],
        challenge: bool,
        facts: SideFacts,
    ) -> Side:
        fitted = self.space.fit_counts
        counts = None if fitted is None else fitted[0 if challenge else 1]
        word, text = self.space.transform(tokens, challenge, counts)
        nnz = np.diff(text.indptr)
        ids: list[str] = [d.id for d in docs]
        empty = {
            x: r for x, t, z in zip(ids, tokens, nnz, strict=True) if (r := _reason(t, int(z)))
        }
        return Side(ids, {x: i for i, x in enumerate(ids)}, word, text, facts, [], [], empty)

    # ------------------------------------------------------------------ queries
    def startups_for(self, challenge_id: str, k: int = 10, exclude: Pairs = ()) -> list[Match]:
        """Top-k startups for an indexed challenge (KeyError if it is not in the index)."""
        i = self.c.row[challenge_id]
        if challenge_id in self.c.empty:
            return []
        return self._rank_row(
            True,
            i,
            self.c.word[i],
            self.c.text[i],
            self.c.facts.take(np.array([i])),
            challenge_id,
            self.c.cats[i],
            self.c.prefs[i],
            k,
            exclude,
        )

    def challenges_for(self, startup_id: str, k: int = 10, exclude: Pairs = ()) -> list[Match]:
        """Top-k challenges for an indexed startup (KeyError if it is not in the index)."""
        i = self.s.row[startup_id]
        if startup_id in self.s.empty:
            return []
        return self._rank_row(
            False,
            i,
            self.s.word[i],
            self.s.text[i],
            self.s.facts.take(np.array([i])),
            startup_id,
            self.s.cats[i],
            "",
            k,
            exclude,
        )

    def reason(self, doc_id: str) -> str:
        """Why an indexed document gets no recommendations ("" when it does get some)."""
        return self.c.empty.get(doc_id) or self.s.empty.get(doc_id, "")

    def score_challenge(self, doc: ChallengeDoc, k: int = 10, exclude: Pairs = ()) -> ScoredResult:
        """Rank indexed startups for a new or edited challenge, without refitting."""
        return self._score_new(doc, True, k, exclude)

    def score_startup(self, doc: StartupDoc, k: int = 10, exclude: Pairs = ()) -> ScoredResult:
        """Rank indexed challenges for a new or edited startup, without refitting."""
        return self._score_new(doc, False, k, exclude)

    def _score_new(
        self, doc: ChallengeDoc | StartupDoc, challenge: bool, k: int, exclude: Pairs
    ) -> ScoredResult:
        tokens = tokenize_doc(doc, thread_tokenizer())  # requests may score in parallel
        if tokens.empty:
            return ScoredResult(reason="empty")
        word, text = self.space.transform([tokens], challenge)
        if text.nnz == 0:
            return ScoredResult(reason="no_terms")
        if isinstance(doc, ChallengeDoc):
            f = challenge_facts(doc)
            facts, pref = self._coder.challenges([f]), f.prefecture
        else:
            f, pref = startup_facts(doc), ""  # type: ignore[assignment]
            facts = self._coder.startups([f])  # type: ignore[list-item]
        matches = self._rank_row(
            challenge, None, word, text, facts, doc.id, f.categories, pref, k, exclude
        )
        return ScoredResult(tuple(matches))

    def _rank_row(
        self,
        challenge: bool,
        row: int | None,
        q_word: sp.csr_matrix,
        q_text: sp.csr_matrix,
        q_facts: SideFacts,
        q_id: str,
        q_cats: frozenset[str],
        q_pref: str,
        k: int,
        exclude: Pairs,
    ) -> list[Match]:
        """Score one query document against every document of the other side."""
        cfg = self.config
        side, other = (self.c, self.s) if challenge else (self.s, self.c)
        sims = sp.csr_matrix(q_text @ other.columns())
        idx, vals = sims.indices.astype(np.int64), sims.data.astype(np.float32)
        if row is not None:
            q_hub = float(side.hub[row])
        else:
            q_hub = hub_of_values(vals[vals > 0], min(cfg.hub_k, len(other.ids)))
        keep = vals > cfg.min_text_score
        idx, vals = idx[keep], vals[keep]
        q_f = q_facts.take(np.zeros(len(idx), np.int64))
        o_f = other.facts.take(idx)
        cat, region = signal_values(q_f, o_f) if challenge else signal_values(o_f, q_f)
        hub_q = np.full(len(idx), q_hub)
        score = pair_scores(vals, hub_q, other.hub[idx], cat, region, cfg)
        banned = set(exclude)
        need = k + len(banned)
        if len(score) > need:  # only the best `need` (and their ties) can be chosen
            bar = np.partition(-score, need - 1)[need - 1]
            near = np.flatnonzero(-score <= bar)
            order = near[np.lexsort((idx[near], -score[near]))]
        else:
            order = np.lexsort((idx, -score))
        chosen: list[int] = []
        for p in order.tolist():
            pair = (q_id, other.ids[idx[p]]) if challenge else (other.ids[idx[p]], q_id)
            if pair not in banned:
                chosen.append(p)
                if len(chosen) == k:
                    break
        sel = np.array(chosen, np.int64)
        o_rows = idx[sel]
        terms = shared_term_arrays(
            q_word,
            other.word,
            np.zeros(len(sel), np.int64),
            o_rows,
            cfg.word_share,
            cfg.explain_terms,
        )
        shared = [tuple(sorted(q_cats & other.cats[j])) for j in o_rows.tolist()]
        hub = (hub_q[sel] + other.hub[o_rows]) / 2.0
        zeros = np.zeros(len(sel), np.int64)
        word_c, word_s = (q_word, other.word) if challenge else (other.word, q_word)
        related = related_pair_arrays(
            word_c,
            word_s,
            self.space.related,
            zeros if challenge else o_rows,
            o_rows if challenge else zeros,
            cfg.word_share,
            cfg.explain_related,
        )
        table = PairTable(
            ci=zeros if challenge else o_rows,
            si=o_rows if challenge else zeros,
            c_ids=[q_id] if challenge else other.ids,
            s_ids=other.ids if challenge else [q_id],
            c_prefs=[q_pref] if challenge else other.prefs,
            text=vals[sel],
            score=score[sel],
            cat=cat[sel],
            region=region[sel],
            hub=hub,
            terms=terms,
            vocabulary=self.space.terms,
            shared_cats=shared,
            cat_label=np.arange(len(sel)),
            config=cfg,
            related=related,
        )
        return table.matches()
