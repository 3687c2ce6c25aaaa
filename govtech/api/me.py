"""The caller's own account: GET /api/v1/me."""
from __future__ import annotations

from datetime import datetime

from flask import Response
from flask_login import current_user
from pydantic import Field

from govtech.api import auth
from govtech.api.declare import ok, operation, version_of
from govtech.api.schemas_common import Out, Resource


class OrganisationRef(Out):
    id: int
    name: str
    kind: str
    state: str


class TokenInfo(Out):
    name: str
    prefix: str
    scopes: list[str] = Field(validation_alias="scope_list")
    expires_at: datetime


class MeOut(Resource):
    email: str
    name: str
    role: str
    locale: str | None
    is_org_admin: bool
    is_approved: bool
    organisation: OrganisationRef | None
    token: TokenInfo | None = Field(None, description="The token this request was made with.")


@operation("GET", "/me", tag="account", response=MeOut)
def get_me() -> Response:
    """The caller's own account

    Who the token acts as: role, organisation and the token's scopes and expiry.
    """
    user = current_user._get_current_object()
    out = MeOut.model_validate({
        "id": user.id, "updated_at": user.updated_at, "version": version_of(user),
        "email": user.email, "name": user.name, "role": user.role.value,
        "locale": user.locale, "is_org_admin": user.is_org_admin,
        "is_approved": user.is_approved,
        "organisation": OrganisationRef.model_validate({
            "id": user.organisation.id, "name": user.organisation.name,
            "kind": user.organisation.kind.value, "state": user.organisation.state.value,
        }) if user.organisation is not None else None,
        "token": TokenInfo.model_validate(auth.current_token()) if auth.current_token() else None,
    })
    return ok(out, record=user)
