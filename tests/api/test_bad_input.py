"""Bad input to every write operation: a problem document, a 4xx, and nothing half-written.

The write operations are read from /api/v1/openapi.json (every method but GET), so a new one
is covered without being listed. For each, as a caller the policy table lets in (a manager
where managers may, else the town's or the startup's member), on real records:

- an unknown field, each field with a wrong type, an oversized body, a body that is not JSON,
  a body sent as text/plain; a file that is not a PDF for the proposal's attachment;
- a stale `If-Match` on the writes to an existing record;
- an expired token, a revoked token, a token without the write scope.

Each answer is `application/problem+json` with a 4xx status equal to its `status` and a
machine `code`; the rows of every table (counts, versions, last change) are the same after.
"""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from govtech.extensions import db
from tests import factories
from tests.api.conftest import make_token
from tests.api.test_fuzz import sample_programme

PROBLEM_JSON = "application/problem+json"
UNKNOWN = "no_such_field"
# tables that a refused request may still touch: the token's last use (at most once a minute)
UNTRACKED = {"api_token", "api_tokens"}
RECORD_ACTIONS = re.compile(r"/(state|move|done|report|approve)$")


# --- the document ------------------------------------------------------------------------------

def _document(app) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def write_operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every write: method, path, operationId, its JSON body's and its form's schemas."""
    found = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method.upper() in ("GET", "HEAD", "OPTIONS", "PARAMETERS"):
                continue
            content = op.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            form = content.get("multipart/form-data", {}).get("schema")
            found.append({"method": method.upper(), "path": path, "id": op.get("operationId"),
                          "body": _resolve(doc, body) if body else None,
                          "form": _resolve(doc, form) if form else None,
                          "multipart": form is not None})
    return sorted(found, key=lambda op: (op["path"], op["method"]))


def _type_of(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The first non-null alternative of a property's schema."""
    schema = _resolve(doc, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            for option in schema[key]:
                option = _resolve(doc, option)
                if option.get("type") != "null":
                    return option
    return schema


def sample_value(doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    schema = _type_of(doc, schema)
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        return {"date": "2027-01-29", "date-time": "2027-01-29T09:00:00+09:00"}.get(
            schema.get("format", ""), "テスト")
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        item = schema.get("items")
        return [sample_value(doc, item)] if item and schema.get("minItems") else []
    if kind == "object":
        return minimal_body(doc, schema)
    return None


def minimal_body(doc: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    """The required fields of a body, each with its example (or a plain value of its type)."""
    if not schema:
        return {}
    schema = _resolve(doc, schema)
    return {name: sample_value(doc, schema["properties"][name])
            for name in schema.get("required", ())}


def form_fields(doc: dict[str, Any], op: dict[str, Any], attachment: bytes) -> dict[str, Any]:
    """A multipart form: the required fields (as text) and the attachment given."""
    fields = {name: str(value) for name, value in minimal_body(doc, op["form"]).items()
              if name != "attachment"}
    return fields | {"attachment": (io.BytesIO(attachment), "提案書.pdf")}


def wrong_value(doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value of another JSON type than the property's."""
    kind = _type_of(doc, schema).get("type")
    return {"string": 12345, "integer": "12", "number": "1.5", "boolean": "yes",
            "array": "a, b", "object": "{}"}.get(kind, ["not", "this"])


# --- the world ---------------------------------------------------------------------------------

def snapshot(app) -> dict[str, tuple[Any, ...]]:
    """Per table: the row count, the sum of versions and the last change (what a write moves)."""
    result = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in UNTRACKED:
                continue
            columns = [func.count()]
            if "version" in table.c:
                columns.append(func.coalesce(func.sum(table.c.version), 0))
            if "updated_at" in table.c:
                columns.append(func.max(table.c.updated_at))
            result[table.name] = tuple(db.session.execute(select(*columns).select_from(table))
                                       .one())
    return result


@pytest.fixture
def world(app):
    people, ids = sample_programme(app)
    made = {role: make_token(app, record) for role, record in people.items()}
    tokens = {role: token.secret for role, token in made.items()}
    ids["token_id"] = made["manager"].token_id
    # an activity in review, so approving it is a real change the refusals must prevent
    ids["activity_id"] = factories.marketing(app, ids["pilot_id"], people["municipality"],
                                             people["startup"], people["manager"],
                                             state="in_review", title="レビュー中の施策")
    return {"people": people, "ids": ids, "tokens": tokens, "doc": _document(app)}


def caller(app, world, op: dict[str, Any]) -> str:
    """The role the policy table lets through for this operation: managers where they may."""
    from govtech.permissions import POLICY

    endpoint = f"api.{op['id']}"
    rule = POLICY.get(endpoint)
    roles = {getattr(role, "value", role) for role in (rule.roles or ())} if rule else set()
    for role in ("manager", "municipality", "startup"):
        if not roles or role in roles:
            return role
    return "manager"


def url_of(world, op: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in world["ids"], f"{op['path']}: no sample record for {name}"
        return str(world["ids"][name])

    return re.sub(r"\{(\w+)\}", fill, op["path"])


def assert_problem(response, label: str, statuses: tuple[int, ...] | None = None,
                   code: str | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (
        f"{label}: {response.status_code} {response.get_data(as_text=True)[:300]}")
    if statuses:
        assert response.status_code in statuses, (
            f"{label}: {response.status_code}, expected {statuses}: "
            f"{response.get_data(as_text=True)[:300]}")
    assert response.mimetype == PROBLEM_JSON, f"{label}: {response.mimetype}"
    problem = response.get_json(force=True)
    assert problem["status"] == response.status_code, label
    assert problem.get("code") and problem.get("title"), f"{label}: {problem}"
    if code:
        assert problem["code"] == code, f"{label}: {problem['code']}, expected {code}"
    return problem


def send(app, world, op, *, role: str | None = None, token: str | None = None,
         headers: dict[str, str] | None = None, **kwargs):
    secret = token or world["tokens"][role or caller(app, world, op)]
    return app.test_client().open(url_of(world, op), method=op["method"], headers={
        "Authorization": f"Bearer {secret}", **(headers or {})}, **kwargs)


def each_write(app, world, check) -> None:
    """Run `check(op)` for every write operation; the database must not change."""
    failures = []
    for op in write_operations(world["doc"]):
        before = snapshot(app)
        label = f"{op['method']} {op['path']}"
        try:
            check(op, label)
        except AssertionError as exc:
            failures.append(str(exc))
            continue
        after = snapshot(app)
        changed = {name: (before[name], after[name]) for name in before
                   if before[name] != after[name]}
        if changed:
            failures.append(f"{label}: written although refused: {changed}")
    assert not failures, "\n".join(failures)


# --- the tests ---------------------------------------------------------------------------------

def test_there_are_write_operations(app, world):
    ops = write_operations(world["doc"])
    assert ops and all(op["id"] for op in ops)


def test_unknown_field(app, world):
    def check(op, label):
        if not op["body"]:
            return  # nothing is read from the body
        body = minimal_body(world["doc"], op["body"]) | {UNKNOWN: 1}
        problem = assert_problem(send(app, world, op, json=body), label, (400, 422))
        fields = [error.get("field", "") for error in problem.get("errors", [])]
        assert any(UNKNOWN in field for field in fields), f"{label}: {problem}"

    each_write(app, world, check)


def test_wrong_types(app, world):
    doc = world["doc"]

    def check(op, label):
        schema = op["body"]
        for name, prop in ((schema or {}).get("properties") or {}).items():
            body = minimal_body(doc, schema) | {name: wrong_value(doc, prop)}
            problem = assert_problem(send(app, world, op, json=body), f"{label} {name}",
                                     (400, 422))
            fields = [error.get("field", "") for error in problem.get("errors", [])]
            assert any(name in field for field in fields), f"{label} {name}: {problem}"

    each_write(app, world, check)


def test_oversized_body(app, world):
    big = "あ" * (app.config.get("API_MAX_JSON_BYTES", 256 * 1024) // 2)

    def check(op, label):
        if not op["body"] and not op["multipart"]:
            return  # nothing is read from the body
        if op["multipart"]:
            data = form_fields(world["doc"], op, b"%PDF-1.4\n" + b"0" * (
                app.config["MAX_CONTENT_LENGTH"] + 1))
            response = send(app, world, op, data=data, content_type="multipart/form-data")
        else:
            response = send(app, world, op, json=minimal_body(world["doc"], op["body"])
                            | {UNKNOWN: big})
        assert_problem(response, label, (413,))

    each_write(app, world, check)


def test_body_that_is_not_json(app, world):
    def check(op, label):
        if op["multipart"]:
            return
        if op["body"] is None:
            return  # nothing is read from the body
        response = send(app, world, op, data="{title: 'x',",
                        headers={"Content-Type": "application/json"})
        assert_problem(response, f"{label} (broken JSON)", (400,), "invalid_json")
        response = send(app, world, op, data="title=x",
                        headers={"Content-Type": "text/plain"})
        assert_problem(response, f"{label} (text/plain)", (415,))
        response = send(app, world, op, json=["a", "list"])
        assert_problem(response, f"{label} (a list)", (400, 422))

    each_write(app, world, check)


def test_attachment_that_is_not_a_pdf(app, world):
    ops = [op for op in write_operations(world["doc"]) if op["multipart"]]
    assert ops, "no operation takes the proposal's PDF"
    # a new challenge the startup has not applied to yet, so only the file can be refused
    town = world["people"]["municipality"]
    world["ids"]["challenge_id"] = factories.challenge(app, town, title="観光アプリ")

    def check(op, label):
        if op not in ops:
            return
        data = form_fields(world["doc"], op, b"<html>not a pdf</html>")
        response = send(app, world, op, role="startup", data=data,
                        content_type="multipart/form-data")
        problem = assert_problem(response, label, (400, 415, 422))
        assert "attachment" in str(problem), f"{label}: the field is not named: {problem}"

    each_write(app, world, check)


def body_variants(doc: dict[str, Any], schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The minimal body, and one per value of each required choice (a state to move to, …),
    so at least one is a change the record could take."""
    base = minimal_body(doc, schema)
    variants = [base]
    for name in (schema or {}).get("required", ()):
        for value in _type_of(doc, schema["properties"][name]).get("enum", ())[1:]:
            variants.append(base | {name: value})
    return variants


def test_stale_if_match(app, world):
    """Writes to an existing record with a stale If-Match: 412 (or the change is refused for
    another reason first), never a change."""
    def check(op, label):
        if not (op["method"] in ("PATCH", "PUT") or RECORD_ACTIONS.search(op["path"])):
            return
        attempts: list[dict[str, Any]] = [{"json": body}
                                          for body in body_variants(world["doc"], op["body"])]
        if op["multipart"]:
            attempts = [{"data": form_fields(world["doc"], op, factories.PDF_BYTES),
                         "content_type": "multipart/form-data"}]
        statuses = []
        for kwargs in attempts:
            response = send(app, world, op, headers={"If-Match": '"987654321"'}, **kwargs)
            statuses.append(assert_problem(response, f"{label} {kwargs}")["status"])
        assert 412 in statuses, f"{label}: no 412 for a stale If-Match: {statuses}"

    each_write(app, world, check)


def _expire(app, secret: str, *, revoke: bool = False) -> None:
    from govtech.services import api_tokens

    with app.app_context():
        token = api_tokens.authenticate(secret)
        assert token is not None
        if revoke:
            token.revoked_at = datetime.now(UTC)
        else:
            token.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()


@pytest.mark.parametrize("kind", ["expired", "revoked"])
def test_dead_token(app, world, kind):
    tokens = {role: make_token(app, record).secret for role, record in world["people"].items()}
    for secret in tokens.values():
        _expire(app, secret, revoke=kind == "revoked")

    def check(op, label):
        token = tokens[caller(app, world, op)]
        response = send(app, world, op, token=token, json=minimal_body(world["doc"], op["body"]))
        assert_problem(response, f"{label} ({kind} token)", (401,), "invalid_token")

    each_write(app, world, check)


def test_read_only_token(app, world):
    readers = {role: make_token(app, record, scopes=("read",)).secret
               for role, record in world["people"].items()}

    def check(op, label):
        response = send(app, world, op, token=readers[caller(app, world, op)],
                        json=minimal_body(world["doc"], op["body"]))
        assert_problem(response, f"{label} (read-only token)", (403,), "insufficient_scope")

    each_write(app, world, check)


def test_no_token_and_a_cookie(app, world, client):
    """A signed-in browser's cookie never writes through the API."""
    factories.login(client, world["people"]["manager"])

    def check(op, label):
        response = client.open(url_of(world, op), method=op["method"],
                               json=minimal_body(world["doc"], op["body"]))
        assert_problem(response, f"{label} (cookie only)", (401,))

    each_write(app, world, check)
