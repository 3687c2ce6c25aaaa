"""関心あり tells the programme office (pair_interest), once per side, and not the parties."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import DigestFrequency, Notification, Recommendation, User
from govtech.services import notifications, recommendations
from tests import factories


def _notes(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.kind == "pair_interest")))


def test_interest_notifies_the_office_once_and_withdrawing_does_not(app, ctx):
    town = factories.user(app, "municipality")
    firm = factories.user(app, "startup")
    office = factories.user(app, "manager")
    cid = factories.challenge(app, town, title="窓口DX")
    rec_id = factories.recommendation(app, cid, firm.org_id)
    rec = db.session.get_one(Recommendation, rec_id)
    town_user = db.session.get_one(User, town.id)

    assert recommendations.express_interest(town_user, rec) is True
    assert recommendations.express_interest(town_user, rec) is False  # already said: no repeat
    notes = _notes(office.id)
    assert len(notes) == 1
    assert notes[0].url == f"/recommendations/?sort=interest#rec-{rec_id}"
    with force_locale("ja"):
        text = notifications.message(notes[0])
    town_name, firm_name = rec.challenge.organisation.name, rec.startup.name
    assert text == (f"{town_name}が{town_name}『窓口DX』×{firm_name}の組み合わせに関心を示し、"
                    "紹介を希望しています。")
    with force_locale("en"):
        assert notifications.message(notes[0]).startswith(f"{town_name} is interested in")

    recommendations.withdraw_interest(town_user, rec)
    assert len(_notes(office.id)) == 1  # withdrawing tells nobody
    recommendations.express_interest(db.session.get_one(User, firm.id), rec)
    later = _notes(office.id)
    assert len(later) == 2 and {n.params["who"] for n in later} == {town_name, firm_name}
    # the parties themselves are not told
    assert _notes(town.id) == [] and _notes(firm.id) == []


def test_interest_is_a_daily_digest_until_the_user_chooses(app, ctx):
    office = db.session.get_one(User, factories.user(app, "manager").id)
    assert notifications.frequency(office, "pair_interest") == DigestFrequency.daily
    assert notifications.frequency(office, "org_pending") == DigestFrequency.immediate
    assert notifications.preferences(office)["pair_interest"] == "daily"
    notifications.set_preferences(office, {"pair_interest": "immediate"})
    assert notifications.frequency(office, "pair_interest") == DigestFrequency.immediate
