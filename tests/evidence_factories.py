"""Test records for the evidence pack and 第4号 certifications (issue 17, parts 4 and 5)."""
from __future__ import annotations

from datetime import date

from govtech.extensions import db


def scheme(app, town_id: int, on: bool = True) -> None:
    """The town certifies new-business-field products (its budget calendar's flag)."""
    from govtech.models.procurement import BudgetCalendar

    with app.app_context():
        row = db.session.get(BudgetCalendar, town_id)
        if row is None:
            row = BudgetCalendar(organisation_id=town_id)
            db.session.add(row)
        row.certifies_new_business = on
        db.session.commit()


def certification(app, challenge_id: int, startup_id: int, *, state: str = "draft",
                  pilot_id: int | None = None, valid_until: date | None = None) -> int:
    """A 第4号 application by the challenge's town for the startup's product."""
    from govtech.models import Challenge
    from govtech.models.enums import CertificationState
    from govtech.models.procurement import Certification

    with app.app_context():
        town_id = db.session.get(Challenge, challenge_id).organisation_id
        cert = Certification(municipality_id=town_id, startup_id=startup_id, pilot_id=pilot_id,
                             product_name="窓口予約システム", plan_targets="待ち時間の短縮",
                             state=CertificationState(state))
        if state == "granted":
            cert.number, cert.granted_on = "R8-001", date(2026, 4, 1)
            cert.valid_until = valid_until or date(2029, 3, 31)
        db.session.add(cert)
        db.session.commit()
        return cert.id


def costs(app, pilot_id: int, pilot_cost: int | None, annual_cost: int | None) -> None:
    from govtech.models import Pilot

    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        pilot.pilot_cost, pilot.annual_cost = pilot_cost, annual_cost
        db.session.commit()
