"""Demo data for issue 17: the demo startups' procurement readiness, made through the services
as each startup's own member would. Every level appears: Momo and VOTE FOR are ready to be
bought (level 3), MaaS Tech Japan and ATL can bid (2), Headwaters has only GビズID プライム (1) —
so on 福井県's Teams challenge (a proposal) it sees what it lacks — and エムティーアイ has
recorded nothing (0)."""
from __future__ import annotations

from datetime import date
from typing import Any

from govtech.demo.pipeline import _by_key
from govtech.extensions import db
from govtech.models import Organisation
from govtech.services import readiness, startups


def _fiscal_year_end(years_ahead: int) -> date:
    """31 March of the fiscal year `years_ahead` after the current one (令和の年度末)."""
    today = readiness.today()
    return date(today.year + (1 if today.month > 3 else 0) + years_ahead, 3, 31)


# startup key: (unified grade, years its qualification still runs, GビズID, ISMAP, listings,
#               towns it may bid in (town key, years their registration runs or None))
PROFILES: dict[str, tuple[Any, ...]] = {
    "momo": ("C", 1, True, "ismap_liu", [], [("yurihonjo", 1)]),
    "votefor": ("D", 1, True, None, ["デジタルマーケットプレイス（DMP）"], []),
    "maastech": (None, 0, True, None, [], [("yurihonjo", 0), ("saitama", None)]),
    "atl": ("B", 1, False, None, [], []),
    "headwaters": (None, 0, True, None, [], []),
}


def load() -> None:
    for key, (grade, years, gbiz, ismap, listings, towns) in PROFILES.items():
        user = _by_key(key)
        org = db.session.get(Organisation, user.organisation_id or 0) if user else None
        if user is None or org is None or readiness.profile_of(org.id) is not None:
            continue
        startups.save_procurement(
            user, org, expected_version=None, unified_grade=grade,
            unified_valid_until=_fiscal_year_end(years) if grade else None,
            gbizid_prime=gbiz, ismap=ismap, marketplace_listings=listings)
        for town_key, town_years in towns:
            town_user = _by_key(town_key)
            if town_user is None or town_user.organisation is None:
                continue
            startups.add_bid_registration(
                user, org, town=town_user.organisation.name,
                valid_until=None if town_years is None else _fiscal_year_end(town_years))
