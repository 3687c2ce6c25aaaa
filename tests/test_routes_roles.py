"""Every route × every role gets the status the policy table promises.

The expected status is derived from govtech.permissions.POLICY; a route without a rule, or with a
URL argument this test cannot fill, fails the suite. Object-level rules (own organisation only)
are tested beside each feature.
"""
from __future__ import annotations

import pytest

from govtech.permissions import POLICY
from tests import factories

ROLES = ["anonymous", "municipality", "startup", "manager", "pending"]

# Pages whose allowed status is not 200 for a GET (or 302 for a bare POST).
OVERRIDES: dict[tuple[str, str], int] = {
    # signed-in users are sent home from the sign-up and login pages
    **{("auth.signup", role): 302 for role in ROLES if role != "anonymous"},
    **{("auth.login", role): 302 for role in ROLES if role != "anonymous"},
    # the code step of a login: without a "password OK" marker, back to the login page
    **{("auth.login_code", role): 302 for role in ROLES},
    # a made-up token is refused with an explanation
    **{("auth.reset_password", role): 400 for role in ROLES},
    **{("auth.accept_invitation", role): 400 for role in ROLES},
    **{("auth.confirm_email", role): 400 for role in ROLES},
    # the sample startup has already applied to the sample challenge: sent to its proposal
    ("proposals.new_proposal", "startup"): 302,
    # an empty POST to these forms shows the page again with the missing field marked
    **{(endpoint, role): 400 for role in ("municipality", "startup", "manager")
       for endpoint in ("pilots.add_kpi", "pilots.add_milestone")},
}


def sample_args(app, ids: dict[str, int]) -> dict[str, dict[str, object]]:
    """URL arguments for every rule; unknown argument names fail loudly."""
    values = {**ids, "token": "not-a-token", "filename": "css/app.css", "table": "funnel",
              "number": 1}
    result = {}
    for rule in app.url_map.iter_rules():
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.endpoint}: no sample value for {missing}"
        result[rule.endpoint] = {name: values[name] for name in rule.arguments}
    return result


def expected_status(endpoint: str, role: str, method: str) -> int:
    rule = POLICY[endpoint]
    if (endpoint, role) in OVERRIDES:
        return OVERRIDES[(endpoint, role)]
    ok = 200 if method == "GET" else 302
    if rule.roles is None:
        return ok
    if role == "anonymous":
        return 302  # to the login page
    actual_role = "municipality" if role == "pending" else role
    if actual_role not in rule.roles:
        return 403
    if rule.approved and role == "pending":
        return 403
    return ok


def test_every_route_has_a_rule(app):
    """A new page cannot ship without an entry in the policy table."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(POLICY) == set()
    assert set(POLICY) - endpoints == set(), "rules for routes that no longer exist"


def _edit_once(app, editor, proposal_id: int) -> None:
    from govtech.extensions import db
    from govtech.models import Proposal, User
    from govtech.services import proposals

    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        proposals.update(db.session.get(User, editor.id), proposal, proposal.version,
                         approach="改訂版")


@pytest.mark.parametrize("role", ROLES)
def test_route_role_table(app, role):
    """Each route answers each role as the policy table says."""
    # The sample records belong to the signed-in user's organisation where it has one, so the
    # table tests the role rule; other organisations' records are tested beside each feature.
    users = {"manager": factories.user(app, "manager"),
             "municipality": factories.user(app, "municipality"),
             "startup": factories.user(app, "startup"),
             "pending": factories.user(app, "municipality", state="pending")}
    challenge_id = factories.challenge(app, users["municipality"], state="open")
    capability_id = factories.capability(app, users["startup"])
    rec_id = factories.recommendation(app, challenge_id, users["startup"].org_id)
    note_id = factories.notification(app, users.get(role, users["manager"]))
    pilot_id = factories.pilot(app, users["municipality"], challenge_id, users["startup"].org_id)
    proposal_id = factories.proposal(app, users["startup"], challenge_id, pdf=True)
    _edit_once(app, users["startup"], proposal_id)  # its version 1 (with the PDF) is kept
    pairs = {"proposal_id": proposal_id,
             "pilot_id": pilot_id, "kpi_id": factories.kpi(app, users["manager"], pilot_id),
             "milestone_id": factories.milestone(app, users["manager"], pilot_id)}
    parties = (pilot_id, users["municipality"], users["startup"], users["manager"])
    pairs |= {"activity_id": factories.marketing(app, *parties),
              "case_id": factories.marketing(app, *parties, state="published")}
    args = sample_args(app, {"org_id": users["startup"].org_id, "challenge_id": challenge_id,
                             "capability_id": capability_id, "rec_id": rec_id,
                             "note_id": note_id, **pairs})
    failures = []
    # GET pages first: a POST (delete, say) may remove a sample record another page needs.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: ("GET" not in r.methods,
                                                                 r.endpoint)):
        method = "GET" if "GET" in rule.methods else "POST"
        client = app.test_client()
        if role != "anonymous":
            factories.login(client, users[role])
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args[rule.endpoint])
        response = client.open(url, method=method)
        want = expected_status(rule.endpoint, role, method)
        if response.status_code != want:
            failures.append(f"{method} {url} as {role}: {response.status_code}, expected {want}")
        if want == 302 and role == "anonymous" and POLICY[rule.endpoint].roles is not None:
            assert "/login" in response.headers["Location"]
    assert not failures, "\n".join(failures)
