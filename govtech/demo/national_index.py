"""Search terms of the national demo, made as the services make them.

The same analysis (`search.terms_of`) over the same fields as `challenges._reindex` and
`startups.reindex`, written in bulk instead of one document at a time. The demo's texts are
made of lines that repeat (a real call's text, a town's sentence), so each distinct line is
analysed once; no word spans a line break, so the union of the lines' words is the text's
(tests/test_national.py compares the result with the services' own reindex).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from govtech.services import search
from govtech.services.challenges import PUBLIC_INDEX
from govtech.services.startups import served_prefectures


@lru_cache(maxsize=200_000)
def _line_words(line: str) -> frozenset[str]:
    return frozenset(search.words(line))


def _words(text: str) -> frozenset[str]:
    return frozenset().union(*(_line_words(line) for line in text.split("\n")))


def _terms(texts: Iterable[str], facets: Iterable[str] = ()) -> set[str]:
    """`search.terms_of`, with each text's words remembered."""
    terms = set(facets)
    for text in texts:
        terms |= _words(text)
    return terms


def challenge_terms(challenges: list[dict], org_by_id: dict[int, dict]) -> Iterator[dict]:
    """Rows of both term lists of every challenge (see challenges._reindex)."""
    for row in challenges:
        org = org_by_id[row["organisation_id"]]
        facets = [search.facet("category", c) for c in row["categories"]]
        if org["prefecture"]:
            facets.append(search.facet("prefecture", org["prefecture"]))
        public = _terms([row["title"], row["summary"], org["name"]], facets)
        full = public | _terms([row["description"], row["desired_outcome"],
                                " ".join(row["tags"])])
        for entity_type, terms in ((PUBLIC_INDEX, public), ("challenge", full)):
            for term in terms:
                yield {"entity_type": entity_type, "entity_id": row["id"], "term": term}


def startup_terms(orgs: list[dict], capabilities: list[dict]) -> Iterator[dict]:
    """Rows of every startup's terms (see startups.reindex)."""
    by_org: dict[int, list[dict]] = {}
    for capability in capabilities:
        by_org.setdefault(capability["organisation_id"], []).append(capability)
    for org in orgs:
        if org["kind"] != "startup":
            continue
        texts = [org["name"], org["description"]]
        facets: set[str] = set()
        regions = set(served_prefectures(org["regions_served"]))
        for capability in by_org.get(org["id"], []):
            texts += [capability["title"], capability["description"],
                      " ".join(capability["tags"]),
                      " ".join(str(r.get("town", "")) for r in capability["track_record"])]
            facets.update(search.facet("category", c) for c in capability["categories"])
            regions |= served_prefectures(capability["regions"])
        if org["head_office_prefecture"]:
            regions.add(org["head_office_prefecture"])
        facets.update(search.facet("prefecture", code) for code in regions)
        for term in _terms(texts, facets):
            yield {"entity_type": "startup", "entity_id": org["id"], "term": term}
