"""Parity: for every API operation and every role, the API allows exactly when the page allows.

The operations are not listed by hand: the test walks the app's url_map under /api/v1. Each
operation mirrors one page (the endpoint's own `mirrors=` declaration in govtech.api.declare
when it has one, else API_TO_PAGE below); an operation with neither fails the test, so a new
endpoint cannot ship without saying which page's permissions it must match.

For each role — anonymous, a municipality's member, a startup's member, a manager, a member of
a pending municipality, and members of *another* town and *another* startup (the record-level
rules: "own challenge only", "parties to the pair only") — the page is requested with a signed-in
browser (GET, or an empty POST for a form-only page, as tests/test_routes_roles.py does) and the
operation with that user's read-write token (GET, or a write with an empty JSON object), on the
same sample records. Only the class of the answer is compared:

- refused: page 401/403/404 or a redirect to the login page; API 401/403/404;
- allowed: anything else the page answers (200, 302 elsewhere, 400 for the empty form); for the
  API 2xx or a 4xx about the request itself (400, 409, 412, 422, 428): the caller got past the
  permission checks.

A write whose empty body (or a page whose empty form) is refused as invalid (400/422) before
its record is looked up says nothing about the record-level rule; for the other organisations'
members such answers are counted as undecided, and the record-level rule is checked with the
GET of the same record instead (every writable record has one).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import url_for

from tests import factories
from tests.api.conftest import make_token
from tests.api.test_fuzz import live_pair
from tests.routes import edit_once

API_PREFIX = "/api/v1"

# API endpoint → the page endpoint whose permissions it must match. Endpoints may instead
# declare it themselves (`mirrors=` on govtech.api.declare.operation), which wins.
API_TO_PAGE: dict[str, str] = {
    # the caller's own account
    "api.get_me": "auth.account",
    # the document and its reference page are public, like the public pages
    "api.openapi": "public.index",
    "api.problem_type": "public.index",
    "api.reference": "public.index",
    # pairs/pilots: the board and the pilot's page (its KPIs, milestones, report are on it)
    "api.list_pilots": "pilots.board",
    "api.get_pilot": "pilots.show_pilot",
    "api.list_pilot_kpis": "pilots.show_pilot",
    "api.list_pilot_milestones": "pilots.show_pilot",
    "api.get_pilot_report": "pilots.show_pilot",
    "api.move_pilot": "pilots.move",
    "api.add_pilot_kpi": "pilots.add_kpi",
    "api.edit_pilot_kpi": "pilots.edit_kpi",
    "api.add_pilot_milestone": "pilots.add_milestone",
    "api.set_milestone_done": "pilots.toggle_milestone",
    "api.save_pilot_report": "pilots.save_report",
    # proposals: applying is the new-proposal page; the rest the proposal's own pages
    "api.apply_to_challenge": "proposals.new_proposal",
    "api.list_proposals": "proposals.list_proposals",
    "api.get_proposal": "proposals.show_proposal",
    "api.edit_proposal": "proposals.edit_proposal",
    "api.download_proposal_attachment": "proposals.download_attachment",
    "api.change_proposal_state": "proposals.change_state",
    # marketing activities
    "api.list_marketing": "marketing.list_activities",
    "api.get_marketing": "marketing.show_activity",
    "api.create_marketing": "marketing.new_activity",
    "api.edit_marketing": "marketing.edit_activity",
    "api.approve_marketing": "marketing.approve",
    "api.change_marketing_state": "marketing.move",
    # recommendations: one has no page of its own; the page's record-level check is dismiss's
    "api.list_recommendations": "recommendations.list_recommendations",
    "api.get_recommendation": "recommendations.dismiss",
    "api.dismiss_recommendation": "recommendations.dismiss",
    "api.express_interest": "recommendations.interest",
    "api.withdraw_interest": "recommendations.withdraw_interest",
    "api.introduce_recommendation": "recommendations.introduce",
    "api.reject_recommendation": "recommendations.reject",
    "api.bulk_recommendations": "recommendations.bulk",
}

ROLES = ["anonymous", "municipality", "startup", "manager", "pending", "other_municipality",
         "other_startup"]
OTHERS = ("other_municipality", "other_startup")
REFUSED_API = {401, 403, 404}
PASSED_API = {400, 409, 412, 422, 428}


def api_rules(app) -> list[Any]:
    """Every rule under /api/v1, with each of its methods (but HEAD/OPTIONS) once."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.rule.startswith(API_PREFIX)), key=lambda r: r.endpoint)


def methods(rule) -> list[str]:
    return sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"})


def mirror_of(endpoint: str) -> str | None:
    """The page endpoint an API endpoint mirrors: its declaration first, then API_TO_PAGE."""
    try:
        from govtech.api.declare import OPERATIONS
    except ImportError:  # pragma: no cover - the foundation is not there
        OPERATIONS = {}
    declared = getattr(OPERATIONS.get(endpoint), "mirrors", None)
    if declared:
        return declared[0] if isinstance(declared, (tuple, list)) else declared
    return API_TO_PAGE.get(endpoint)


def test_every_api_operation_mirrors_a_page(app):
    """No operation is forgotten: each names a page that exists and has a policy line."""
    from govtech.permissions import POLICY

    rules = api_rules(app)
    assert rules, "no route under /api/v1"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted({rule.endpoint for rule in rules if mirror_of(rule.endpoint) is None})
    assert not missing, f"API operations without a page to mirror (add to API_TO_PAGE): {missing}"
    wrong = sorted({f"{rule.endpoint} → {mirror_of(rule.endpoint)}" for rule in rules
                    if mirror_of(rule.endpoint) not in endpoints})
    assert not wrong, f"mirrored pages that do not exist: {wrong}"
    unruled = sorted({rule.endpoint for rule in rules if rule.endpoint not in POLICY})
    assert not unruled, f"API endpoints without a POLICY line: {unruled}"
    stale = sorted(set(API_TO_PAGE) - {rule.endpoint for rule in rules})
    assert not stale, f"API_TO_PAGE names endpoints that no longer exist: {stale}"


@dataclass
class Programme:
    """The sample records (as tests/test_routes_roles.py makes them) and who to act as."""

    users: dict[str, factories.UserRecord]
    tokens: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)


def _token(app, record: factories.UserRecord) -> str:
    from govtech.extensions import db
    from govtech.models import User
    from govtech.services import api_tokens

    with app.test_request_context():
        return api_tokens.create(db.session.get(User, record.id), "parity", ["read", "write"],
                                 30).secret


def _people(app) -> Programme:
    users = {"manager": factories.user(app, "manager"),
             "municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "pending": factories.user(app, "municipality", state="pending"),
             "other_municipality": factories.user(app, "municipality"),
             "other_startup": factories.user(app, "startup")}
    return Programme(users, {role: _token(app, user) for role, user in users.items()})


def _records(app, people: Programme, role: str,
             needs: set[str] | None = None) -> dict[str, int]:
    """A challenge, capability, recommendation, notification, pilot with KPI and milestone,
    proposal with its PDF, marketing activity and published case: the town's and the startup's.

    With `needs` (the URL arguments of the page and the operation a write is about to send),
    only the records those arguments name are made: a fresh set per write stays cheap."""
    users = people.users
    town, startup, manager = users["municipality"], users["startup"], users["manager"]

    def wanted(*names: str) -> bool:
        return needs is None or any(name in needs for name in names)

    challenge_id = factories.challenge(app, town, state="open")
    ids = {"org_id": startup.org_id, "startup_id": startup.org_id,
           "organisation_id": startup.org_id, "challenge_id": challenge_id, "number": 1}
    if wanted("capability_id"):
        ids["capability_id"] = factories.capability(app, startup)
    if wanted("note_id", "notification_id"):
        reader = users["municipality"] if role in OTHERS else users.get(role, manager)
        ids["note_id"] = ids["notification_id"] = factories.notification(app, reader)
    if wanted("token_id"):
        owner = users["municipality"] if role in OTHERS or role == "anonymous" else users[role]
        ids["token_id"] = make_token(app, owner, name="parity sample").token_id
    if wanted("proposal_id"):
        ids["proposal_id"] = factories.proposal(app, startup, challenge_id, pdf=True)
        edit_once(app, startup, ids["proposal_id"])
    if wanted("pilot_id", "pair_id", "kpi_id", "milestone_id", "activity_id", "case_id"):
        pilot_id = ids["pilot_id"] = ids["pair_id"] = factories.pilot(
            app, town, challenge_id, startup.org_id)
        parties = (pilot_id, town, startup, manager)
        if wanted("kpi_id"):
            ids["kpi_id"] = factories.kpi(app, manager, pilot_id)
        if wanted("milestone_id"):
            ids["milestone_id"] = factories.milestone(app, manager, pilot_id)
        if wanted("activity_id"):
            ids["activity_id"] = factories.marketing(app, *parties)
        if wanted("case_id"):
            ids["case_id"] = factories.marketing(app, *parties, state="published")
    if wanted("rec_id", "recommendation_id"):
        return _with_live_pair(app, ids)
    return ids


def _arguments(app, endpoint: str) -> set[str]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return set(rule.arguments)


def _with_live_pair(app, ids: dict[str, int]) -> dict[str, int]:
    """The sample pair's id as readers see it now (the matcher's background refresh may have
    rewritten it since)."""
    ids["rec_id"] = ids["recommendation_id"] = live_pair(app, ids["challenge_id"],
                                                         ids["org_id"])
    return ids


def _url(app, endpoint: str, ids: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {**ids, "token": "not-a-token", "filename": "css/app.css", "table": "funnel",
              "code": "not_found"}
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{endpoint}: no sample value for {missing} (add it to _records)"
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def _page_method(app, endpoint: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return "GET" if "GET" in (rule.methods or ()) else "POST"


def page_allows(app, client, endpoint: str, ids: dict[str, int]) -> tuple[bool, int]:
    """Whether the page lets the (signed-in) browser in, and its status."""
    response = client.open(_url(app, endpoint, ids), method=_page_method(app, endpoint))
    status = response.status_code
    refused = status in (401, 403, 404) or (
        status == 302 and "/login" in response.headers.get("Location", ""))
    return not refused, status


def api_answer(app, people: Programme, role: str, endpoint: str, method: str,
               ids: dict[str, int]) -> int:
    client = app.test_client()
    headers = {"Accept": "application/json"}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {people.tokens[role]}"
    url = _url(app, endpoint, ids)
    if method in ("GET", "DELETE"):
        return client.open(url, method=method, headers=headers).status_code
    response = client.open(url, method=method, headers=headers, json={})
    if response.status_code == 415:  # a multipart operation (the proposal with its PDF)
        response = client.open(url, method=method, headers=headers,
                               data={"attachment": (io.BytesIO(b""), "")},
                               content_type="multipart/form-data")
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_api_allows_exactly_what_the_page_allows(app, role):
    people = _people(app)
    rules = [rule for rule in api_rules(app) if mirror_of(rule.endpoint)]
    reads = [(rule.endpoint, "GET") for rule in rules if "GET" in methods(rule)]
    writes = sorted(((rule.endpoint, method) for rule in rules for method in methods(rule)
                     if method != "GET"), key=lambda op: (op[1] == "DELETE", op))
    shared = _records(app, people, role)
    browser = app.test_client()
    if role != "anonymous":
        factories.login(browser, people.users[role])
    pages: dict[str, tuple[bool, int]] = {}
    failures, undecided, compared = [], [], 0
    for endpoint, method in reads + writes:
        page = mirror_of(endpoint)
        assert page is not None
        _with_live_pair(app, shared)
        if _page_method(app, page) == "GET":  # pages that only show: once, on the shared records
            if page not in pages:
                pages[page] = page_allows(app, browser, page, shared)
            allowed, page_status = pages[page]
        else:  # a form's empty POST may change its record: fresh ones
            allowed, page_status = page_allows(app, browser, page, _records(
                app, people, role, _arguments(app, page) | _arguments(app, endpoint)))
        # a write gets fresh records too (a delete must not take away the next one's record);
        # fresh records (a new capability) make the matcher refresh the shared pair: re-read it
        ids = _with_live_pair(app, shared) if method == "GET" else _records(
            app, people, role, _arguments(app, page) | _arguments(app, endpoint))
        status = api_answer(app, people, role, endpoint, method, ids)
        label = f"{method} {endpoint} as {role}: API {status}, page {page} {page_status}"
        if status >= 500 or status not in REFUSED_API | PASSED_API and not 200 <= status < 400:
            failures.append(f"{label} (an answer that is neither allowed nor refused)")
            continue
        if role in OTHERS and method != "GET" and (
                (status in (400, 422) and not allowed)
                or (page_status == 400 and status in REFUSED_API)):
            undecided.append(label)  # one side refused the empty form before the lookup
            continue
        compared += 1
        if (status not in REFUSED_API) != allowed:
            failures.append(label)
    assert compared, "nothing compared"
    assert not failures, "\n".join(failures)
