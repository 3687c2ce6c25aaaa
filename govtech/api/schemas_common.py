"""Building blocks for the API's request and response models (pydantic 2).

- `Body`: a JSON request body. Unknown fields are refused, types are strict (JSON's own types;
  ISO 8601 strings for dates), so `"3"` is not a number and `"extra": 1` is an error (422).
- `Form`: a multipart/form-data body (a PDF with its fields): `UploadFile` for the file.
- `Query`: query parameters (strings, converted: `?limit=20`); unknown parameters are refused
  (400). `ListQuery` adds `limit`, `cursor`, `updated_since` for lists.
- `Resource`: a response object; every one has `id`, `updated_at` and `version`.
- `Page[Item]`: a list response, `{"items": [...], "next_cursor": "…" | null}`.
- `ProblemOut`: the error document (govtech.api.problems).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
    field_validator,
)
from werkzeug.datastructures import FileStorage

T = TypeVar("T")
MAX_LIMIT = 100
DEFAULT_LIMIT = 50


def _aware(value: datetime | None) -> datetime | None:
    """Naive timestamps are taken as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Timestamp = Annotated[datetime, AfterValidator(_aware)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


def _upload(value: Any) -> FileStorage:
    if not isinstance(value, FileStorage) or not value.filename:
        raise ValueError("a file is required")
    return value


UploadFile = Annotated[FileStorage, PlainValidator(_upload),
                       WithJsonSchema({"type": "string", "format": "binary"})]


class Form(BaseModel):
    """A multipart/form-data body: text fields converted like query strings, files as
    `UploadFile`; unknown fields refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              arbitrary_types_allowed=True)


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ListQuery(Query):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                       description=f"How many items (1–{MAX_LIMIT}).")
    cursor: str | None = Field(None, max_length=200,
                               description="The `next_cursor` of the previous page.")
    updated_since: Timestamp | None = Field(
        None, description="Only items changed at or after this time (ISO 8601; UTC if no "
                          "offset), for incremental sync.")


class Out(BaseModel):
    """A response model. Every timestamp is given with its offset (UTC): SQLite hands back
    naive values, RFC 3339 (`format: date-time`) needs the offset."""

    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Resource(Out):
    id: int
    updated_at: datetime
    version: int = Field(description="Send it back as `If-Match: \"<version>\"` to change "
                                     "the object only if nobody changed it since.")


class Page(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; "
                                    "null on the last page. Also in the `Link` header.")


class FieldError(BaseModel):
    field: str
    message: str


class ProblemOut(BaseModel):
    """An RFC 9457 problem document (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="Machine-readable, stable: see /api/v1/docs#problems.")
    errors: list[FieldError] | None = None


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
