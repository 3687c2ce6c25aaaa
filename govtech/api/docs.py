"""The API's own description: /api/v1/openapi.json (OpenAPI 3.1, generated from the code by
SpecTree), /api/v1/docs (a reference page rendered on the server from that document: no
script, no CDN) and /api/v1/problems/<code> (what a problem `type` points to)."""
from __future__ import annotations

import copy
from typing import Any

from flask import Response, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from govtech.api import bp, spec
from govtech.api.declare import OPERATIONS
from govtech.api.problems import CODES, PROBLEM_JSON, Problem, titles

METHODS = ("get", "post", "put", "patch", "delete")


def document() -> dict[str, Any]:
    """The OpenAPI document, with what SpecTree does not know: problem media types, each
    operation's token scope, and which operations answer without a token."""
    result = copy.deepcopy(spec.spec)
    by_operation = {op.endpoint.removeprefix("api."): op for op in OPERATIONS.values()}
    for item in result["paths"].values():
        for operation in item.values():
            for code, answer in operation.get("responses", {}).items():
                if code.isdigit() and int(code) >= 400 and "content" in answer:
                    answer["content"] = {PROBLEM_JSON: answer["content"]["application/json"]}
            operation["responses"] = dict(sorted(  # the success first, then the errors
                operation.get("responses", {}).items(), key=lambda item: item[0]))
            declared = by_operation.get(operation.get("operationId", ""))
            if declared is None:
                continue
            operation["x-scope"] = declared.scope
            if declared.mirrors:
                operation["x-mirrors"] = list(declared.mirrors)
            operation["security"] = ([{}, {"bearer": []}] if declared.public
                                     else [{"bearer": []}])
            if not operation.get("tags"):
                operation.pop("tags", None)
    _drop_null_defaults(result)
    result["security"] = [{"bearer": []}]
    result["components"]["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "A personal access token (gta_…) with the scopes read, or read and write."}}
    result["info"]["x-problem-codes"] = sorted(CODES)
    return result


def _allows_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(isinstance(alt, dict) and _allows_null(alt)
               for alt in schema.get("anyOf", []) + schema.get("oneOf", []))


def _drop_null_defaults(node: Any) -> None:
    """`field: str = Field(None)` (a PATCH field that may be left out but not be null)
    documents `default: null` on a type without null, which OpenAPI 3.1 refuses: leave the
    default out (left out means unchanged)."""
    if isinstance(node, dict):
        if "default" in node and node["default"] is None and "type" in node \
                and not _allows_null(node):
            del node["default"]
        for value in node.values():
            _drop_null_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _drop_null_defaults(value)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


def _operations(doc: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The operations grouped by tag, in the order of the document."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in doc["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append({"path": path, "method": method.upper(),
                                               **operation})
    return sorted(groups.items())


@bp.get("/docs")
def reference() -> str:
    doc = document()
    return render_template("api/docs.html", doc=doc, groups=_operations(doc),
                           schemas=sorted(doc["components"]["schemas"].items()),
                           problems=[(code, CODES[code], titles().get(CODES[code], ""))
                                     for code in sorted(CODES, key=lambda c: (CODES[c], c))])


@bp.get("/problems/<code>")
def problem_type(code: str) -> BaseResponse:
    if code not in CODES:
        raise Problem(404, "not_found")
    return redirect(url_for("api.reference", _anchor=f"problem-{code}"))
