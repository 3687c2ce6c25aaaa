"""Schema-driven fuzzing: every operation of /api/v1/openapi.json, served on 127.0.0.1.

Schemathesis reads the document from the running server and, for each operation, generates
requests from its parameters and body schema (valid and invalid ones), sends each as anonymous,
as a municipality's member and as a startup's member (read-write tokens), and checks that

- no answer is a server error (5xx),
- every answer's body matches the schema the document gives for that status, and
- every status the server answers is one the document lists for the operation.

The operations are taken from the document, so a new endpoint is fuzzed without anyone
listing it. Path parameters that name a sample record (challenge_id, pilot_id, …) are set to a
real record made by the factories, so the bodies reach the services instead of a 404.

Bounded: FUZZ_EXAMPLES per operation (default 12; raise it locally, e.g. FUZZ_EXAMPLES=100).
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server  # noqa: E402

from govtech import jobs  # noqa: E402
from tests import factories  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


class _AsServerName:
    """The tests' app answers for SERVER_NAME "localhost": requests to 127.0.0.1:<port> are
    handed to it under that name, as a reverse proxy's Host header would be."""

    def __init__(self, app: Any):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ["HTTP_HOST"] = self.app.config.get("SERVER_NAME") or environ.get("HTTP_HOST")
        return self.app(environ, start_response)


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """The app served by werkzeug on a free port of 127.0.0.1 in a thread; yields its base URL.
    One request at a time (the tests' SQLite database is one file)."""
    server = make_server("127.0.0.1", 0, _AsServerName(app), threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def served(app):
    app.config["API_RATE_LIMIT_ENABLED"] = False  # hundreds of requests from one address
    try:
        with serve(app) as base:
            yield base
    finally:
        app.config["API_RATE_LIMIT_ENABLED"] = True


def token_for(app, record: factories.UserRecord, scopes=("read", "write"), days: int = 30) -> str:
    from govtech.extensions import db
    from govtech.models import User
    from govtech.services import api_tokens

    with app.test_request_context():
        return api_tokens.create(db.session.get(User, record.id), "fuzz", list(scopes),
                                 days).secret


def live_pair(app, challenge_id: int, startup_org_id: int) -> int:
    """The pair's recommendation as readers see it now. The matcher refreshes a challenge's
    suggested pairs in the background (after a change, or a page asking for them): once it
    is done, the pair it left, or one made like the factory's in the live generation."""
    from sqlalchemy import select

    from govtech.extensions import db
    from govtech.models import Recommendation

    jobs.wait_for_threads()
    with app.app_context():
        found = db.session.scalar(select(Recommendation.id).where(
            Recommendation.challenge_id == challenge_id,
            Recommendation.startup_id == startup_org_id, Recommendation.live())
            .order_by(Recommendation.id.desc()).limit(1))
        if found is not None:
            return found
        generation = db.session.scalar(select(Recommendation.live_generation()))
        rec = Recommendation(challenge_id=challenge_id, startup_id=startup_org_id, score=0.5,
                             text_score=0.5, terms=[{"term": "防災", "weight": 0.3}],
                             signals=[], matcher_version="test", challenge_fingerprint="c",
                             startup_fingerprint="s", generation=generation or 0)
        db.session.add(rec)
        db.session.commit()
        return rec.id


def sample_programme(app) -> tuple[dict[str, factories.UserRecord], dict[str, int]]:
    """A town, a startup and a manager with one record of each kind between them."""
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    challenge = factories.challenge(app, town)
    other = factories.challenge(app, town, title="観光データの活用")
    pilot = factories.pilot(app, manager, other, startup.org_id, stage="pilot")
    note = factories.notification(app, town)
    ids = {"challenge_id": challenge, "capability_id": factories.capability(app, startup),
           "proposal_id": factories.proposal(app, startup, challenge, pdf=True),
           "pilot_id": pilot, "pair_id": pilot,
           "kpi_id": factories.kpi(app, town, pilot),
           "milestone_id": factories.milestone(app, town, pilot),
           "activity_id": factories.marketing(app, pilot, town, startup, manager),
           "case_id": factories.marketing(app, pilot, town, startup, manager,
                                          state="published", title="公開事例"),
           "note_id": note, "notification_id": note,
           "org_id": startup.org_id, "startup_id": startup.org_id,
           "organisation_id": startup.org_id}
    ids["rec_id"] = ids["recommendation_id"] = live_pair(app, challenge, startup.org_id)
    return {"municipality": town, "startup": startup, "manager": manager}, ids


@pytest.fixture
def fuzz_world(app, served):
    people, ids = sample_programme(app)
    tokens = {role: token_for(app, people[role]) for role in ("municipality", "startup")}
    return {"base": served, "ids": ids, "tokens": tokens}


def _identities(tokens: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    found = [("anonymous", {"Accept-Language": "en"})]
    found += [(role, {"Accept-Language": "en", "Authorization": f"Bearer {secret}"})
              for role, secret in tokens.items()]
    return found


def _describe(exc: BaseException) -> str:
    """A failure in a few lines: what broke, and the curl command that shows it."""
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    lines = []
    for part in parts:
        text = str(part).strip().splitlines()
        lines.append(" / ".join(line.strip() for line in text[:12] if line.strip()))
    reproduce = re.search(r"curl [^\n]+", str(exc))
    return "\n  ".join(lines + ([reproduce.group(0)] if reproduce else []))


def test_no_server_error_and_answers_match_the_document(app, served, fuzz_world):
    """Each operation of the document, fuzzed as each identity; every failure is listed."""
    schema = schemathesis.openapi.from_url(f"{served}/api/v1/openapi.json")
    identities = _identities(fuzz_world["tokens"])
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def fuzz(case):
            for name, value in list((case.path_parameters or {}).items()):
                if name in fuzz_world["ids"] and isinstance(value, int):
                    case.path_parameters[name] = fuzz_world["ids"][name]
            for _identity, headers in identities:
                case.call_and_validate(base_url=served, headers=headers, checks=CHECKS,
                                       timeout=30)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  # all are reported
            failures.append(f"{operation.label}: {_describe(exc)}")
    assert operations, "the document lists no operation"
    assert not failures, "\n\n".join(failures)
