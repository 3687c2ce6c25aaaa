"""Every route of the app with sample URL arguments, and the status the policy table promises.

Shared by the route × role table (tests/test_routes_roles.py) and the statement counts per page
(tests/test_query_counts.py), so both walk the same routes with the same arguments.
"""
from __future__ import annotations

from collections.abc import Iterator

from govtech.permissions import POLICY

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
    # webhooks: an empty form is refused with its fields marked; the sample hook id names no
    # hook the signed-in user may see (tests/views/test_webhook_views.py covers their own)
    **{("webhooks.create", role): 400 for role in ("municipality", "startup", "manager")},
    **{(endpoint, role): 404 for role in ("municipality", "startup", "manager")
       for endpoint in ("webhooks.show_webhook", "webhooks.ping", "webhooks.set_active",
                        "webhooks.delete")},
    # API tokens: revoking without ticking the confirmation box is refused
    **{("auth.revoke_api_token", role): 400 for role in ROLES if role != "anonymous"},
    # The API (issue 14) never reads the signed-in client's cookie: every role is anonymous
    # there, public reads answer and the rest is 401 (tests/api/test_parity.py checks the roles
    # with tokens); a problem type leads to its documentation
    **{(endpoint, role): 200 if POLICY[endpoint].roles is None else 401
       for endpoint in POLICY if endpoint.startswith("api.") for role in ROLES},
    **{("api.problem_type", role): 302 for role in ROLES},
    # a town's rating sent empty: the pair's page again with the scores marked
    ("catalogue.rate_pilot", "municipality"): 400,
    # the evidence pack of a pair before evaluation: back to its page, which says why; a
    # certification decision sent empty: its page again with the fields marked
    **{(endpoint, role): 302 for role in ("municipality", "startup", "manager")
       for endpoint in ("pilots.evidence_pdf_file", "pilots.evidence_docx_file")},
    **{("certifications.decide", role): 400 for role in ("municipality", "manager")},
}


def sample_args(app, ids: dict[str, int]) -> dict[str, dict[str, object]]:
    """URL arguments for every rule; unknown argument names fail loudly."""
    values = {**ids, "token": "not-a-token", "filename": "css/app.css", "table": "funnel",
              "number": 1}
    values.setdefault("webhook_id", 999_999)  # no such hook: its pages answer 404
    values.setdefault("token_id", 999_999)  # no such API token
    values.setdefault("code", "not_found")  # an API problem type
    if "challenge_id" in ids:  # a town's budget calendar: the sample challenge's town
        values.setdefault("town_id", _town_of(app, ids["challenge_id"]))
    if "challenge_id" in ids and "org_id" in ids:  # the catalogue: a listed solution
        values.setdefault("solution_id", sample_solution(app, ids["challenge_id"], ids["org_id"]))
    if "challenge_id" in ids and "org_id" in ids:  # a 第4号 application of the sample pair
        from tests.evidence_factories import certification
        values.setdefault("cert_id", certification(app, ids["challenge_id"], ids["org_id"]))
    result = {}
    for rule in app.url_map.iter_rules():
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.endpoint}: no sample value for {missing}"
        result[rule.endpoint] = {name: values[name] for name in rule.arguments}
    return result


def sample_solution(app, challenge_id: int, startup_id: int) -> int:
    """A solution the catalogue lists: the first one there is, else one made plainly for the
    sample startup with an adopted pilot of the sample challenge."""
    from govtech.extensions import db
    from govtech.models import Pilot, PilotStage
    from govtech.models.base import utcnow
    from govtech.models.procurement import Solution
    from govtech.services import catalogue_lists

    with app.app_context():
        found = db.session.scalar(catalogue_lists.listed().with_only_columns(Solution.id)
                                  .order_by(Solution.id).limit(1))
        if found is not None:
            return found
        solution = Solution(startup_id=startup_id, name="避難所混雑マップ", categories=["disaster"])
        db.session.add(solution)
        db.session.flush()
        db.session.add(Pilot(challenge_id=challenge_id, startup_id=startup_id,
                             stage=PilotStage.adopted, closed_at=utcnow(),
                             solution_id=solution.id, annual_cost=1_200_000))
        db.session.commit()
        return solution.id


def _town_of(app, challenge_id: int) -> int:
    from govtech.extensions import db
    from govtech.models import Challenge

    with app.app_context():
        return db.session.get(Challenge, challenge_id).organisation_id


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


def urls(app, args: dict[str, dict[str, object]]) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, url) of every route, GET pages first: a POST (delete, say) may remove
    a sample record another page needs."""
    from flask import url_for

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: ("GET" not in (r.methods or ()),
                                                                r.endpoint)):
        methods = rule.methods or set()
        # a page's form posts; an API operation is sent with its own verb (PATCH, PUT, DELETE)
        method = next((verb for verb in ("GET", "POST", "PATCH", "PUT", "DELETE")
                       if verb in methods), "POST")
        with app.test_request_context():  # left before the caller's request, not held
            url = url_for(rule.endpoint, **args[rule.endpoint])
        yield rule.endpoint, method, url


def edit_once(app, editor, proposal_id: int) -> None:
    """Edit a proposal, so its version 1 (with the PDF) is kept and its page lists it."""
    from govtech.extensions import db
    from govtech.models import Proposal, User
    from govtech.services import proposals

    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        proposals.update(db.session.get(User, editor.id), proposal, proposal.version,
                         approach="改訂版")
