"""Every route × every role gets the status the policy table promises.

The expected status is derived from govtech.permissions.POLICY; a route without a rule, or with a
URL argument this test cannot fill, fails the suite. Object-level rules (own organisation only)
are tested beside each feature.
"""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from govtech.permissions import POLICY
from tests import factories
from tests.routes import ROLES, edit_once, expected_status, sample_args, urls


def test_every_route_has_a_rule(app):
    """A new page cannot ship without an entry in the policy table."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(POLICY) == set()
    assert set(POLICY) - endpoints == set(), "rules for routes that no longer exist"


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
    edit_once(app, users["startup"], proposal_id)  # its version 1 (with the PDF) is kept
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
    for endpoint, method, url in urls(app, args):
        client = app.test_client()
        if role != "anonymous":
            factories.login(client, users[role])
        response = client.open(url, method=method)
        want = expected_status(endpoint, role, method)
        if response.status_code != want:
            failures.append(f"{method} {url} as {role}: {response.status_code}, expected {want}")
        if want == 302 and role == "anonymous" and POLICY[endpoint].roles is not None:
            assert "/login" in response.headers["Location"]
        if response.status_code == 200 and response.mimetype == "text/html":
            failures += _colour_only(url, response.get_data(as_text=True))
    assert not failures, "\n".join(failures)


def _colour_only(url: str, page: str) -> list[str]:
    """A coloured state badge must say its state in words too (WCAG 1.4.1): none is empty."""
    soup = BeautifulSoup(page, "html.parser")
    return [f"{url}: an empty badge {badge}" for badge in soup.select(".badge")
            if not badge.get_text(strip=True)]
