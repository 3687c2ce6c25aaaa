"""Search terms for documents and queries; see govtech.models.search for why.

The words come from the matcher's one public text analysis, `matching.search_words` (SudachiPy
in split mode A, normalised forms, English folded as the matcher folds it), so a search for
防災 finds 防災アプリ and サーバ finds サーバー, and documents and queries meet on the same terms.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, delete, func, insert, select
from sqlalchemy.orm import aliased

import matching
from govtech.extensions import db
from govtech.models import SearchTerm
from govtech.reference import CATEGORIES, PREFECTURES


def words(text: str) -> list[str]:
    """Searchable words of a text, in order, without duplicates."""
    return matching.search_words(text)


def facet(kind: str, value: str) -> str:
    """A non-word term for filtering, e.g. category:disaster; no word contains a colon."""
    return f"{kind}:{value}"


def index(entity_type: str, entity_id: int, texts: Iterable[str], facets: Iterable[str] = ()
          ) -> None:
    """Replace the document's terms in the current transaction; the caller commits."""
    store(entity_type, entity_id, terms_of(texts, facets))


def terms_of(texts: Iterable[str], facets: Iterable[str] = ()) -> set[str]:
    """The words of the texts plus the facets: what `store` keeps for a document."""
    terms = set(facets)
    for text in texts:
        terms.update(words(text))
    return terms


def store(entity_type: str, entity_id: int, terms: set[str]) -> None:
    """Replace the document's terms with these (already analysed) ones."""
    db.session.execute(delete(SearchTerm).where(SearchTerm.entity_type == entity_type,
                                                SearchTerm.entity_id == entity_id))
    if terms:
        db.session.execute(insert(SearchTerm), [
            {"entity_type": entity_type, "entity_id": entity_id, "term": term} for term in terms])


def unindex(entity_type: str, entity_id: int) -> None:
    db.session.execute(delete(SearchTerm).where(SearchTerm.entity_type == entity_type,
                                                SearchTerm.entity_id == entity_id))


def matching_ids(entity_type: str, terms: list[str]) -> Select:
    """Ids of the documents that have every term (AND), in a shape each database plans well.

    SQLite keeps the grouped form (every posting of every term, counted per document): it has
    no statistics per term, so it cannot tell which term is rare, and this form costs the same
    in any word order. PostgreSQL knows each term's frequency, so it gets one posting list per
    term joined on the id: it starts from the rarest and probes the primary key for the others,
    instead of counting a posting for nearly every document when one word is common (データ).
    """
    unique = list(dict.fromkeys(terms))
    if not unique or db.session.get_bind().dialect.name != "postgresql":
        return (
            select(SearchTerm.entity_id)
            .where(SearchTerm.entity_type == entity_type, SearchTerm.term.in_(unique))
            .group_by(SearchTerm.entity_id)
            .having(func.count() == len(unique))
        )
    first = aliased(SearchTerm)
    query = select(first.entity_id).where(first.entity_type == entity_type,
                                          first.term == unique[0])
    for term in unique[1:]:
        other = aliased(SearchTerm)
        query = query.join(other, and_(other.entity_type == entity_type, other.term == term,
                                       other.entity_id == first.entity_id))
    # Materialised, so the caller's query starts from these ids. Otherwise PostgreSQL may walk
    # a sorted index of the caller's table (challenge.deadline) and probe the terms row by
    # row: fast only while its estimate for the term is right, the whole table when the term
    # is rarer than it thinks, or absent.
    matched = query.cte().prefix_with("MATERIALIZED")
    return select(matched.c.entity_id)


def query_terms(q: str) -> list[str]:
    """The words of a search box entry; empty when it has none (only symbols, say)."""
    return words(q)[:10]


def filter_terms(q: str, category: str = "", prefecture: str = "") -> list[str] | None:
    """Terms every result must have: the query's words plus facets; None when the query was
    typed but has no searchable word (the list then says so instead of showing everything)."""
    terms: list[str] = []
    if q.strip():
        terms = query_terms(q)
        if not terms:
            return None
    if category in CATEGORIES:
        terms.append(facet("category", category))
    if prefecture in PREFECTURES:
        terms.append(facet("prefecture", prefecture))
    return terms
