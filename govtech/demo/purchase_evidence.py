"""Demo data for issue 17: pilot costs and a granted 第4号 certification.

Made through the services like the parties would: costs on the pairs that have results (the
adopted river-level pair of 由利本荘市, the budgeting statistics pair of さいたま市, and the
not-adopted tourism pair, whose cost was the reason), 由利本荘市 as a town that certifies
new-business-field products (only that flag on its budget calendar, which another demo step may
have written already), and its certification of the river-level product, granted two months
ago for three years.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govtech import formatting
from govtech.demo.pipeline import _by_key, _challenge
from govtech.extensions import db
from govtech.models import Pilot
from govtech.models.enums import CertificationState
from govtech.models.procurement import BudgetCalendar
from govtech.services import certifications, evidence

# (town key, challenge title, pilot cost, annual cost) in yen
COSTS = [
    ("yurihonjo", "河川水位の見える化と防災情報の配信", 1_800_000, 4_200_000),
    ("saitama", "統計データのセルフサービス分析", 0, 3_600_000),
    ("kanazawa", "観光客の回遊データ分析", 900_000, 6_000_000),
]
CERTIFIED = ("yurihonjo", "河川水位の見える化と防災情報の配信", "R8由利本荘市認定第1号")


def _pilot(title: str) -> Pilot | None:
    challenge = _challenge(title)
    if challenge is None:
        return None
    return db.session.scalar(select(Pilot).where(Pilot.challenge_id == challenge.id)
                             .order_by(Pilot.id).limit(1))


def _certifies(org_id: int) -> None:
    """Only the flag: the rest of the town's calendar is another step's."""
    row = db.session.get(BudgetCalendar, org_id)
    if row is None:
        db.session.add(BudgetCalendar(organisation_id=org_id, certifies_new_business=True))
    else:
        row.certifies_new_business = True
    db.session.commit()


def load() -> None:
    for key, title, pilot_cost, annual_cost in COSTS:
        actor, pilot = _by_key(key), _pilot(title)
        if actor is not None and pilot is not None:
            evidence.save_cost(actor, pilot, pilot_cost, annual_cost)
    key, title, number = CERTIFIED
    actor, pilot = _by_key(key), _pilot(title)
    if actor is None or pilot is None or not evidence.ready(pilot):
        return
    _certifies(pilot.challenge.organisation_id)
    cert = certifications.draft(actor, pilot)  # the pilot's own draft, if it has one
    if cert.state != CertificationState.draft:  # loaded before: already decided
        return
    today = formatting.local_today()
    granted = today - timedelta(days=60)
    certifications.decide(actor, cert, cert.version, "granted", number=number,
                          granted_on=granted, valid_until=granted + timedelta(days=3 * 365 - 1),
                          today=today)
