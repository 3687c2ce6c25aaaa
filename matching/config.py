"""Tunable knobs of the matcher, in one frozen object so a fitted index knows its settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatcherConfig:
    """Weights of the score formula (see ``matching/README.md``) and performance limits.

    Field weights multiply term counts before sublinear tf: a title word counts twice a body word.
    The startup's name is off by default: company names say little about what they solve.
    """

    challenge_title_weight: float = 2.0
    startup_name_weight: float = 0.0
    body_weight: float = 1.0
    tags_weight: float = 2.0  # tags and category names
    # α: word TF-IDF vs. character n-grams inside the text score. Measured on the dev set the
    # n-grams added nothing (MRR ±0.01) and cost ~8x in the all-pairs product, so they are off.
    word_share: float = 1.0
    char_ngrams: tuple[int, int] = (2, 3)
    # Related words (see matching/related.py): text = cos(u, v) + u·R·v. Each weight is the
    # largest entry its source puts in R; 0 turns the source off. Chosen by 5-fold
    # cross-validation on the dev set (python -m matching.evaluate DIR --cv 5): every fold chose
    # these. Stems and LSA were measured (--ablation) and are off: no gain.
    vector_weight: float = 0.5  # Japanese word vectors (ja-ginza's chiVe), × cosine
    vector_neighbours: int = 3
    vector_min_sim: float = 0.5
    vector_compounds: bool = True  # a term without a vector gets the mean of its parts'
    synonym_weight: float = 0.3  # Sudachi synonym groups
    stem_weight: float = 0.0  # English words with one Snowball stem
    lsa_weight: float = 0.0  # term neighbours in a truncated SVD of this corpus
    lsa_dims: int = 100
    lsa_neighbours: int = 5
    lsa_min_sim: float = 0.5
    hub_penalty: float = 1.0  # λ
    hub_k: int = 10
    category_weight: float = 0.15  # β_cat
    region_weight: float = 0.05  # β_reg
    explain_terms: int = 5
    explain_related: int = 3  # related-word pairs shown apart from the shared words
    candidates: int = 60  # text candidates per document re-ranked in a batch rebuild
    # Above prune_above documents per side, candidates come from each vector's 12 heaviest
    # terms (then get exact scores); below it the all-pairs product is exact and cheap anyway.
    retrieval_terms: int = 12
    prune_above: int = 5_000
    min_text_score: float = 1e-4
    chunk_rows: int = 2_000
