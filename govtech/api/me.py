"""The caller's own account: GET/PATCH /api/v1/me, and the caller's tokens."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Response
from flask_login import current_user
from pydantic import Field

from govtech.api import auth, paging
from govtech.api.declare import check_if_match, no_content, ok, operation, version_of
from govtech.api.schemas_common import Body, ListQuery, Out, Page, Resource
from govtech.models import User
from govtech.models.api_token import ApiToken
from govtech.services import accounts, api_tokens

TAG = "account"


class MyOrganisation(Out):
    id: int
    name: str
    kind: str
    state: str


class TokenOut(Out):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters, to tell tokens apart.")
    scopes: list[str] = Field(validation_alias="scope_list")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class MeOut(Resource):
    email: str
    name: str
    role: str
    locale: str | None
    is_org_admin: bool
    is_approved: bool
    organisation: MyOrganisation | None
    token: TokenOut | None = Field(None, description="The token this request was made with.")


class MeIn(Body):
    locale: Literal["ja", "en"] = Field(description="The language of e-mails and pages.")


def _me(user: User) -> MeOut:
    org = user.organisation
    token = auth.current_token()
    return MeOut.model_validate({
        "id": user.id, "updated_at": user.updated_at, "version": version_of(user),
        "email": user.email, "name": user.name, "role": user.role.value,
        "locale": user.locale, "is_org_admin": user.is_org_admin,
        "is_approved": user.is_approved,
        "organisation": MyOrganisation.model_validate({
            "id": org.id, "name": org.name, "kind": org.kind.value, "state": org.state.value,
        }) if org is not None else None,
        "token": TokenOut.model_validate(token) if token is not None else None,
    })


@operation("GET", "/me", tag=TAG, response=MeOut, mirrors=("auth.account",))
def get_me() -> Response:
    """The caller's own account

    Who the token acts as: role, organisation, and the token's scopes and expiry.
    """
    user = current_user._get_current_object()
    return ok(_me(user), record=user)


@operation("PATCH", "/me", tag=TAG, body=MeIn, response=MeOut, mirrors=("auth.account",))
def edit_me(body: MeIn) -> Response:
    """Change the caller's language

    The same as the language form of the account page. Send `If-Match` with the ETag of
    GET /me to refuse the change if the account changed since (412).
    """
    user = current_user._get_current_object()
    check_if_match(user)
    accounts.set_locale(user, body.locale)
    return ok(_me(user), record=user)


@operation("GET", "/me/tokens", tag=TAG, query=ListQuery, response=Page[TokenOut],
           mirrors=("auth.api_tokens_page",))
def list_my_tokens(query: ListQuery) -> Response:
    """The caller's API tokens

    Oldest first; revoked and expired ones too (see `revoked_at`, `expires_at`). Tokens have
    no update time: `updated_since` is refused.
    """
    page = paging.paginate(api_tokens.list_query(current_user), key=(ApiToken.id,),
                           query=query)
    return paging.respond(page, [TokenOut.model_validate(token) for token in page.items])


@operation("DELETE", "/me/tokens/<int:token_id>", tag=TAG, status=204,
           mirrors=("auth.revoke_api_token",))
def revoke_my_token(token_id: int) -> Response:
    """Revoke one of the caller's tokens

    For good; programs using it can no longer connect. Revoking the token of this request
    is allowed (it is the last thing it does).
    """
    api_tokens.revoke(current_user, token_id)
    return no_content()
