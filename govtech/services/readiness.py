"""A startup's procurement readiness (調達準備レベル): how far it is from being bought by a town.

The level, 0..3, and the rules behind it:

0 未登録 — nothing usable recorded.
1 基本 — GビズID プライム: the one business account for the government's online procedures
  (e-Gov, the central 調達ポータル and its electronic bidding, jGrants, many towns' electronic
  bidding systems; デジタル庁 https://gbiz-id.go.jp). It is the first step of every route.
2 入札参加可 — may take part in a town's procurement: a valid 全省庁統一資格 (統一資格審査,
  grades A–D, valid for the three fiscal years it was granted for; https://www.chotatku.go.jp),
  which many towns accept for 公募型プロポーザル, or a valid registration on at least one town's
  list of qualified bidders (入札参加資格者名簿, 地方自治法施行令 第167条の5・第167条の11).
  Level 2 does not require GビズID プライム: a paper application is still possible.
3 導入実績対応 — level 2, and ready for the routes that buy a finished service: registered in
  ISMAP or ISMAP-LIU (政府情報システムのためのセキュリティ評価制度; ISMAP-LIU for low-impact SaaS,
  https://www.ismap.go.jp) or listed on a marketplace (e.g. デジタル庁のデジタルマーケットプレイス).

Expired registrations do not count: validity is compared with today's date in Japan. The stored
`ProcurementProfile.level` is recomputed by the service on every save; the lists' SQL filter
(`at_least`, `levels_for`) does not trust it for what can expire: it checks the validity dates
against today in the query itself, so no nightly job is needed. (Only level 3's extra — ISMAP or a
listing, which carry no date here — is read from the stored level; since eligibility can only be
gained by a save, "stored 3 and eligible today" is exactly level 3 today.)

What each intended procurement route (Challenge.procurement_route) needs is `requirements`:
少額随意契約 (施行令 第167条の2第1項第1号), 第4号 認定 and 随意契約 (同第4号), 公募型プロポーザル,
and a marketplace.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, exists, or_, select

from govtech.extensions import db
from govtech.formatting import local_today
from govtech.models import Challenge, Organisation, Proposal, User
from govtech.models.enums import CertificationState, OrgKind, ProcurementRoute
from govtech.models.procurement import BidRegistration, Certification, ProcurementProfile
from govtech.services import access

LEVELS = (0, 1, 2, 3)


def today() -> date:
    """Validity is counted in Japanese calendar days (the programme's time zone)."""
    return local_today()


NAMES = {0: _l("Not registered"), 1: _l("Basic"), 2: _l("Can bid"), 3: _l("Ready to buy")}
EXPLANATIONS = {
    0: _l("No procurement registration recorded yet."),
    1: _l("Has GビズID プライム, the account for government online procedures."),
    2: _l("Holds a valid 全省庁統一資格 or is on at least one town's list of qualified bidders."),
    3: _l("Can bid, and is registered in ISMAP or ISMAP-LIU or listed on a marketplace."),
}
ISMAP_CHOICES = ("ismap", "ismap_liu")
GRADES = ("A", "B", "C", "D")


def valid_on(until: date | None, day: date, *, open_ended: bool) -> bool:
    """A validity date still running on `day` (no date: valid only where `open_ended`)."""
    return open_ended if until is None else until >= day


def eligible(profile: ProcurementProfile | None, bids: list[BidRegistration],
             day: date | None = None) -> bool:
    """Level 2's condition: a valid unified qualification or a valid town registration."""
    day = day or today()
    unified = bool(profile and profile.unified_grade
                   and valid_on(profile.unified_valid_until, day, open_ended=False))
    return unified or any(valid_on(b.valid_until, day, open_ended=True) for b in bids)


def compute(profile: ProcurementProfile | None, bids: list[BidRegistration],
            day: date | None = None) -> int:
    """The level today (or on `day`) from the profile and the bid registrations."""
    if eligible(profile, bids, day):
        extra = bool(profile and (profile.ismap or profile.marketplace_listings))
        return 3 if extra else 2
    return 1 if profile is not None and profile.gbizid_prime else 0


# --- in SQL ------------------------------------------------------------------------------------

def _eligible_sql(org_id: Any, day: date) -> ColumnElement[bool]:
    unified = and_(ProcurementProfile.unified_grade.is_not(None),
                   ProcurementProfile.unified_valid_until >= day)
    bid = exists(select(BidRegistration.id).where(
        BidRegistration.startup_id == org_id,
        or_(BidRegistration.valid_until.is_(None), BidRegistration.valid_until >= day)))
    return or_(unified, bid)


def level_sql(org_id: Any, day: date | None = None) -> Any:
    """The level today as an SQL expression over ProcurementProfile (joined on `org_id`)."""
    day = day or today()
    now_eligible = _eligible_sql(org_id, day)
    return case((and_(now_eligible, ProcurementProfile.level == 3), 3),
                (now_eligible, 2),
                (ProcurementProfile.gbizid_prime.is_(True), 1), else_=0)


def at_least(org_id: Any, minimum: int | None) -> ColumnElement[bool] | None:
    """A WHERE clause: the startup in column `org_id` is at `minimum` level or above today
    (None when there is nothing to filter)."""
    if not minimum or minimum not in LEVELS:
        return None
    return exists(select(ProcurementProfile.organisation_id).where(
        ProcurementProfile.organisation_id == org_id, level_sql(org_id) >= minimum))


def filtered(query: Any, org_id: Any, minimum: int | None) -> Any:
    """`query` with the `at_least` clause, when there is one."""
    clause = at_least(org_id, minimum)
    return query if clause is None else query.where(clause)


def proposals_filtered(query: Any, minimum: int | None) -> Any:
    """A proposals list query (services.proposals) kept to startups at `minimum` or above."""
    return filtered(query, Proposal.startup_id, minimum)


def levels_for(org_ids: set[int] | list[int]) -> dict[int, int]:
    """Today's level of each startup (0 without a profile), in one query: for a list's badges."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ProcurementProfile.organisation_id,
               level_sql(ProcurementProfile.organisation_id))
        .where(ProcurementProfile.organisation_id.in_(ids)).limit(len(ids)))
    found = {org_id: int(level) for org_id, level in rows}
    return {org_id: found.get(org_id, 0) for org_id in ids}


def shown_to(user: User | None, org_id: int) -> bool:
    """Towns and managers see a startup's level; a startup sees only its own."""
    return (access.manager(user) or access.acts_for_kind(user, OrgKind.municipality)
            or access.acts_for(user, org_id))


def filters_for(user: User | None) -> bool:
    """Whether the lists offer the minimum-level filter (towns and managers)."""
    return access.manager(user) or access.acts_for_kind(user, OrgKind.municipality)


# --- a startup's record ------------------------------------------------------------------------

def profile_of(org_id: int) -> ProcurementProfile | None:
    return db.session.get(ProcurementProfile, org_id)


def bids_of(org_id: int) -> list[BidRegistration]:
    """The startup's registrations with their town's name, by town (at most a few hundred)."""
    return list(db.session.scalars(
        select(BidRegistration)
        .join(Organisation, Organisation.id == BidRegistration.municipality_id)
        .where(BidRegistration.startup_id == org_id)
        .order_by(Organisation.prefecture, Organisation.name).limit(2000)))


def town_names(bids: list[BidRegistration]) -> dict[int, Organisation]:
    ids = {b.municipality_id for b in bids}
    if not ids:
        return {}
    return {org.id: org for org in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)))}


@dataclass
class Summary:
    level: int
    name: str
    explanation: str


def summary(level: int) -> Summary:
    return Summary(level, str(NAMES[level]), str(EXPLANATIONS[level]))


def for_org(user: User | None, org_id: int) -> Summary | None:
    """The startup page's badge: its level today, if this user may see it."""
    if not shown_to(user, org_id):
        return None
    return summary(compute(profile_of(org_id), bids_of(org_id)))


# --- what a route needs ------------------------------------------------------------------------

@dataclass
class Requirement:
    label: str
    met: bool
    how: str  # how to get it, shown when it is missing
    required: bool = True


def _certified_by(org_id: int, town_id: int, day: date) -> bool:
    return db.session.scalar(select(exists().where(
        Certification.startup_id == org_id, Certification.municipality_id == town_id,
        Certification.state == CertificationState.granted,
        or_(Certification.valid_until.is_(None), Certification.valid_until >= day)))) or False


def requirements(org_id: int, challenge: Challenge) -> list[Requirement]:
    """What the startup has and lacks for the route the challenge's town intends."""
    day = today()
    profile = profile_of(org_id)
    bids = bids_of(org_id)
    town_id = challenge.organisation_id
    unified = bool(profile and profile.unified_grade
                   and valid_on(profile.unified_valid_until, day, open_ended=False))
    on_town_list = any(b.municipality_id == town_id
                       and valid_on(b.valid_until, day, open_ended=True) for b in bids)
    gbiz = Requirement(str(_l("GビズID プライム")), bool(profile and profile.gbizid_prime),
                       str(_l("Apply online at gbiz-id.go.jp with your company seal "
                              "certificate; it takes about two weeks.")))
    town_list = Requirement(
        str(_l("On this town's list of qualified bidders")), on_town_list,
        str(_l("Ask the town's contract section (契約担当課) when it accepts applications; "
               "many towns accept them once a year or at any time.")))
    listing = bool(profile and profile.marketplace_listings)
    route = challenge.procurement_route or ProcurementRoute.undecided
    if route == ProcurementRoute.small_amount:
        town_list.how = str(_l("Small purchases can often be made from firms not on the list, "
                               "but registering with the town's contract section makes it "
                               "simpler."))
        return [town_list, _optional(gbiz)]
    if route == ProcurementRoute.certified:
        return [Requirement(
            str(_l("A granted 第4号 certification from this town")),
            _certified_by(org_id, town_id, day),
            str(_l("Once the pilot shows results, the town can certify your product as a "
                   "new-business-field product (第167条の2第1項第4号); the application is drafted "
                   "from the pilot."))), gbiz]
    if route == ProcurementRoute.proposal:
        return [Requirement(
            str(_l("全省庁統一資格 or this town's bidder registration")), unified or on_town_list,
            str(_l("Apply for 全省庁統一資格 at chotatku.go.jp (free, grades A–D), or register "
                   "with the town's contract section."))), _optional(gbiz)]
    if route == ProcurementRoute.marketplace:
        return [Requirement(str(_l("A marketplace listing")), listing,
                            str(_l("List your service on a public-sector marketplace such as "
                                   "the Digital Agency's Digital Marketplace."))),
                Requirement(str(_l("ISMAP or ISMAP-LIU (for SaaS)")),
                            bool(profile and profile.ismap),
                            str(_l("A SaaS that handles the town's data usually needs ISMAP-LIU "
                                   "registration; see ismap.go.jp."))), gbiz]
    return [gbiz,
            Requirement(str(_l("A valid 全省庁統一資格 or a town's bidder registration")),
                        eligible(profile, bids, day),
                        str(_l("Apply for 全省庁統一資格 at chotatku.go.jp, or register with a "
                               "town's contract section."))),
            _optional(Requirement(str(_l("ISMAP or ISMAP-LIU, or a marketplace listing")),
                                  bool(profile and (profile.ismap or listing)),
                                  str(_l("Needed when the town buys a finished cloud service."))))]


def _optional(requirement: Requirement) -> Requirement:
    requirement.required = False
    return requirement


def route_panel(user: User | None, challenge: Challenge) -> dict[str, Any] | None:
    """The challenge page's panel for a signed-in startup: the route's requirements."""
    org_id = access.own_org_id(user)
    if org_id is None or not access.acts_for_kind(user, OrgKind.startup):
        return None
    items = requirements(org_id, challenge)
    return {"route": (challenge.procurement_route or ProcurementRoute.undecided).value,
            "items": items, "ready": all(i.met for i in items if i.required),
            "summary": summary(compute(profile_of(org_id), bids_of(org_id))),
            "org_id": org_id}
