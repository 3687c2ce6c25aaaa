"""What a person reads of a pair: its level (相性 高 / 中 / 参考), one sentence of reasons
(「統計・可視化が一致／埼玉県に対応／同分野で導入実績」), the shared words as written in both
texts, and — on the user's own lists — whether a side said 関心あり and how the two
organisations already stand (「実証中・48日目」)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

import matching.surface
from govtech import formatting, reference
from govtech.models import Challenge, Organisation, Recommendation, User
from govtech.services import access, cases
from govtech.services.recommendations import interest, levels, pairs

#: how many shared words the reason sentence names (the chips show them all)
REASON_WORDS = 3


def challenge_text(challenge: Challenge) -> str:
    return "\n".join([challenge.title, challenge.summary, challenge.description,
                      challenge.desired_outcome or "", *challenge.tags])


def startup_text(org: Organisation) -> str:
    return "\n".join([org.name, org.description]
                     + [f"{c.title}\n{c.description}\n" + "\n".join(c.tags)
                        for c in org.capabilities])


def display_terms(terms: list[str], challenge: Challenge, startup: Organisation) -> list[str]:
    """The matcher's terms as whole words spelled as the challenge writes them (MaaS, Teams,
    見つける), keeping only those both texts contain: never a fragment ("Maa") or a form that
    is in neither text (matching.surface)."""
    return matching.surface.surface_terms(terms, challenge_text(challenge),
                                          startup_text(startup))


def explain(rec: Recommendation, figures: dict[int, list[dict]] | None = None) -> dict:
    """Shared words, related words (different words of one meaning, told apart from shared
    ones), shared categories, the region served, the proven adoption, the level and the reason
    sentence. `figures`: the published KPI figures by pilot, when the caller fetched them for
    many pairs at once."""
    names = {ja: key for key, (ja, _label) in reference.CATEGORIES.items()}
    explanation: dict = {"terms": display_terms([t["term"] for t in rec.terms], rec.challenge,
                                                rec.startup),
                         "related": [(r["challenge_term"], r["startup_term"])
                                     for r in rec.related or []],
                         "categories": [], "region": "", "proven": None,
                         "level": levels.level(rec.score)}
    if rec.proven_pilot is not None:
        pilot = rec.proven_pilot
        explanation["proven"] = {"town": pilot.challenge.organisation.name,
                                 "challenge": pilot.challenge.title,
                                 # only what a published case study shows
                                 "kpis": (figures.get(pilot.id, []) if figures is not None
                                          else cases.published_figures(pilot.id))}
    for signal in rec.signals:
        if signal["name"] == "shared_categories":
            explanation["categories"] = [reference.category_label(names.get(v, v))
                                         for v in signal["value"]]
        elif signal["name"] == "region_served":
            explanation["region"] = reference.prefecture_name(rec.challenge.organisation.prefecture)
    explanation["reason"] = reason(explanation)
    return explanation


def reason(why: dict) -> str:
    """One line from the explanation's parts, joined with ／ (" / " in English)."""
    japanese = formatting.language() == "ja"
    words_sep = "・" if japanese else ", "
    parts = []
    if why["terms"]:
        parts.append(_("%(words)s in common", words=words_sep.join(why["terms"][:REASON_WORDS])))
    elif why["categories"]:
        parts.append(_("Same field: %(fields)s", fields=words_sep.join(why["categories"])))
    if why["region"]:
        parts.append(_("Serves %(region)s", region=why["region"]))
    if why["proven"]:
        parts.append(_("Adopted for a similar challenge"))
    if why["related"]:
        challenge_term, startup_term = why["related"][0]
        parts.append(_("Related words: %(pair)s", pair=f"{challenge_term} ≈ {startup_term}"))
    return ("／" if japanese else " / ").join(parts)


def with_explanations(recs: Iterable[Recommendation], user: User | None = None) -> list[dict]:
    """Each pair with its explanation, ready for a template; given the reader, also the sides
    that said 関心あり (a party sees only its own side's, managers both) and the status of the
    reader's existing pairs with the other party (pairs.statuses)."""
    recs = list(recs)
    figures = cases.published_figures_by_pilot(r.proven_pilot_id for r in recs
                                               if r.proven_pilot_id)
    rows: list[dict[str, Any]] = [
        {"rec": rec, "why": explain(rec, figures), "interest": _interest(set(), None),
         "status": None, "town_reader": None}
        for rec in recs]
    if user is None or not recs:
        return rows
    sides = interest.sides_for(recs)
    found = pairs.statuses(user, {r.challenge.organisation_id for r in recs},
                           {r.startup_id for r in recs})
    manager = access.manager(user)
    for rec, row in zip(recs, rows, strict=True):
        said = sides.get((rec.challenge_id, rec.startup_id), set())
        own = access.side(user, rec.challenge.organisation_id, rec.startup_id)
        row["interest"] = _interest(said if manager else said & {own}, own)
        row["status"] = found.orgs(rec.challenge.organisation_id, rec.startup_id)
        row["town_reader"] = own == access.MUNICIPALITY  # its 関心あり asks for an introduction
    return rows


def _interest(said: set[str], own: str | None) -> dict[str, bool]:
    """For templates (which compare no role strings): which sides said 関心あり, and whether
    the reader's own side did."""
    return {"town": access.MUNICIPALITY in said, "startup": access.STARTUP in said,
            "mine": own in said}
