"""How an API endpoint is declared: one decorator gives the route, its OpenAPI operation and
the parsing of its query and body.

    @operation("GET", "/challenges/<int:challenge_id>", tag="challenges", public=True,
               response=ChallengeOut)
    def get_challenge(challenge_id: int) -> Response:
        challenge = challenges.get_visible(current_user, challenge_id)
        return ok(ChallengeOut.model_validate(challenge), version=challenge.version)

The endpoint's Flask name is `api.<function name>` (give it a POLICY line). `query=` and
`body=` are pydantic models (govtech.api.schemas_common.Query / Body), `form=` a `Form` model
for multipart/form-data (files as `UploadFile`); the parsed instances are passed as the
keyword arguments `query`, `body` and `form`. Errors are problems (400 for the query,
415/400/413/422 for the body). `mirrors=` names the page endpoints the operation stands for
(the parity test compares their POLICY rules and behaviour). `public=True` documents that
the endpoint answers without a token (the POLICY line must say PUBLIC too); the scope needed
follows the method.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args, get_origin

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from spectree import Response as SpecResponse

from govtech.api import bp, spec
from govtech.api.problems import Problem
from govtech.api.schemas_common import ProblemOut

JSON_TYPES = ("application/json",)
ERRORS = {"GET": (400, 401, 403, 404, 429),
          "WRITE": (400, 401, 403, 404, 409, 412, 413, 415, 422, 429)}


@dataclass(frozen=True)
class Operation:
    endpoint: str
    method: str
    rule: str
    public: bool
    scope: str
    mirrors: tuple[str, ...] = ()  # the page endpoints it stands for (the parity test)


OPERATIONS: dict[str, Operation] = {}


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def _errors(error: ValidationError) -> list[dict[str, str]]:
    return [{"field": _field(item["loc"]), "message": item["msg"]} for item in error.errors()]


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


def _nul_fields(value: Any, path: str = "") -> list[str]:
    """Fields whose text holds a NUL character (PostgreSQL stores no NUL in text)."""
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        return [found for key, item in value.items()
                for found in _nul_fields(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list | tuple):
        return [found for index, item in enumerate(value)
                for found in _nul_fields(item, f"{path}.{index}" if path else str(index))]
    return []


def _refuse_nul(parsed: BaseModel, status: int, code: str) -> BaseModel:
    fields = _nul_fields(parsed.model_dump())
    if fields:
        message = _("Text may not contain control characters.")
        raise Problem(status, code, message,
                      errors=[{"field": field, "message": message} for field in fields])
    return parsed


def parse_query(model: type[BaseModel]) -> BaseModel:
    values: dict[str, Any] = {}
    for name, given in request.args.lists():
        if name == "lang":  # the language switch, on every URL
            continue
        field = model.model_fields.get(name)
        values[name] = given if field is not None and _is_list(field.annotation) else given[-1]
    try:
        parsed = model.model_validate(values)
    except ValidationError as exc:
        raise Problem(400, "invalid_parameter", _("A query parameter is not valid."),
                      errors=_errors(exc)) from exc
    return _refuse_nul(parsed, 400, "invalid_parameter")


def parse_form(model: type[BaseModel]) -> BaseModel:
    """A multipart/form-data body: its fields and files (`schemas_common.UploadFile`)."""
    if request.mimetype != "multipart/form-data":
        raise Problem(415, "unsupported_media_type",
                      _("Send the body as multipart/form-data."))
    values: dict[str, Any] = {}
    for source in (request.form, request.files):
        for name, given in source.lists():
            field = model.model_fields.get(name)
            values[name] = given if field is not None and _is_list(field.annotation) \
                else given[-1]
    try:
        parsed = model.model_validate(values)
    except ValidationError as exc:
        raise Problem(422, "validation_failed", _("Some fields are not valid."),
                      errors=_errors(exc)) from exc
    return _refuse_nul(parsed, 422, "validation_failed")


def parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype not in JSON_TYPES:
        raise Problem(415, "unsupported_media_type",
                      _("Send the body as JSON (Content-Type: application/json)."))
    limit = current_app.config.get("API_MAX_JSON_BYTES", 256 * 1024)
    if (request.content_length or 0) > limit:
        raise Problem(413, "payload_too_large", _("The request body is too large."))
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise Problem(413, "payload_too_large", _("The request body is too large."))
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as exc:
        if any(item["type"] == "json_invalid" for item in exc.errors()):
            raise Problem(400, "invalid_json", _("The body is not valid JSON.")) from exc
        if any(item["type"] == "model_type" and not item["loc"] for item in exc.errors()):
            raise Problem(400, "invalid_json", _("The body must be a JSON object.")) from exc
        raise Problem(422, "validation_failed", _("Some fields are not valid."),
                      errors=_errors(exc)) from exc
    return _refuse_nul(parsed, 422, "validation_failed")


def version_of(record: Any) -> int:
    """The record's version column, or one derived from updated_at (microseconds)."""
    version = getattr(record, "version", None)
    if isinstance(version, int):
        return version
    updated: datetime = record.updated_at
    if updated.tzinfo is None:  # SQLite hands back naive UTC
        updated = updated.replace(tzinfo=UTC)
    return int(updated.timestamp() * 1_000_000)


def etag(version: int) -> str:
    return f'"{version}"'


def if_match() -> int | None:
    """The version the client saw (`If-Match: "7"`), None without the header or for `*`."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 20:
        raise Problem(400, "invalid_header",
                      _('If-Match must be a version from an ETag, like "7".'),
                      errors=[{"field": "If-Match", "message": _("Not a version.")}])
    return int(value)


def check_if_match(record: Any) -> None:
    """For records whose service takes no version: refuse a stale If-Match here (412)."""
    expected = if_match()
    if expected is not None and expected != version_of(record):
        raise Problem(412, "precondition_failed",
                      _("Someone else changed this since you read it. Read it again."))


def ok(model: BaseModel, *, status: int = 200, record: Any = None,
       headers: dict[str, str] | None = None) -> Response:
    """A JSON response of one object; with `record`, its ETag (the version)."""
    result = jsonify(model.model_dump(mode="json"))
    result.status_code = status
    if record is not None:
        result.headers["ETag"] = etag(version_of(record))
    for name, value in (headers or {}).items():
        result.headers[name] = value
    return result


def no_content() -> Response:
    return current_app.response_class(status=204)


def operation(method: str, rule: str, *, tag: str, response: type[BaseModel] | None = None,
              status: int = 200, query: type[BaseModel] | None = None,
              body: type[BaseModel] | None = None, form: type[BaseModel] | None = None,
              public: bool = False, errors: tuple[int, ...] | None = None,
              mirrors: tuple[str, ...] = ()
              ) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Declare an endpoint of /api/v1 (see the module's docstring)."""
    method = method.upper()

    def decorate(function: Callable[..., Response]) -> Callable[..., Response]:
        codes = errors if errors is not None else ERRORS["GET" if method == "GET" else "WRITE"]
        if public and method == "GET":
            codes = tuple(code for code in codes if code != 403)
        answers: dict[str, Any] = {f"HTTP_{code}": ProblemOut for code in codes}
        answers[f"HTTP_{status}"] = response
        documented = spec.validate(query=query, json=body, form=form,
                                   resp=SpecResponse(**answers),
                                   tags=[tag], skip_validation=True,
                                   operation_id=function.__name__)(function)

        @functools.wraps(function)
        def view(**path: Any) -> Response:
            arguments: dict[str, Any] = dict(path)
            if query is not None:
                arguments["query"] = parse_query(query)
            if body is not None:
                arguments["body"] = parse_body(body)
            if form is not None:
                arguments["form"] = parse_form(form)
            return function(**arguments)

        view.__wrapped__ = documented  # type: ignore[attr-defined]  # for the OpenAPI document
        view.mirrors = tuple(mirrors)  # type: ignore[attr-defined]
        bp.add_url_rule(rule, endpoint=function.__name__, view_func=view, methods=[method])
        OPERATIONS[f"api.{function.__name__}"] = Operation(
            f"api.{function.__name__}", method, rule, public,
            "read" if method in ("GET", "HEAD", "OPTIONS") else "write", tuple(mirrors))
        return view

    return decorate
