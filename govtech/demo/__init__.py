"""Loading the demo programme. Idempotent: existing records (by e-mail or name) are left alone."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from govtech.demo import data
from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, Role, User
from govtech.services import history
from govtech.services.accounts import hash_password

DEMO_DOMAIN = "demo.govtech.example"


def _org(spec: dict, kind: OrgKind, state: OrgState) -> tuple[Organisation, bool]:
    org = db.session.scalar(select(Organisation).where(Organisation.name == spec["name"]))
    if org is not None:
        return org, False
    fields = {k: v for k, v in spec.items() if k != "key"}
    fields.setdefault("regions_served", [])
    org = Organisation(kind=kind, state=state, **fields)
    db.session.add(org)
    db.session.flush()
    history.record("organisation", org.id, None, None, OrgState.pending, "demo")
    if state != OrgState.pending:
        history.record("organisation", org.id, None, OrgState.pending, state, "demo")
    return org, True


def _user(email: str, name: str, role: Role, org: Organisation | None, password_hash: str) -> bool:
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return False
    db.session.add(User(email=email, name=name, role=role, organisation=org,
                        password_hash=password_hash))
    return True


def load(password: str | None = None, only_if_empty: bool = False) -> str:
    """Create the demo organisations and users; return what a person needs to log in."""
    if only_if_empty and db.session.scalar(select(func.count()).select_from(Organisation)):
        return "The database already has data; demo not loaded."
    password = password or secrets.token_urlsafe(9)
    password_hash = hash_password(password)
    created: list[tuple[str, str]] = []
    if _user(f"manager@{DEMO_DOMAIN}", "事務局 マネージャー", Role.manager, None, password_hash):
        created.append((f"manager@{DEMO_DOMAIN}", "manager"))
    groups = [(data.MUNICIPALITIES, OrgKind.municipality, OrgState.approved),
              (data.PENDING_MUNICIPALITIES, OrgKind.municipality, OrgState.pending),
              (data.STARTUPS, OrgKind.startup, OrgState.approved)]
    for specs, kind, state in groups:
        for spec in specs:
            org, _new = _org(spec, kind, state)
            email = f"{spec['key']}@{DEMO_DOMAIN}"
            if _user(email, f"{spec['name']} 担当", Role(kind.value), org, password_hash):
                pending = "" if state == OrgState.approved else " (pending)"
                created.append((email, f"{kind.value}{pending}"))
    db.session.commit()
    if not created:
        return "Demo programme already loaded; nothing changed."
    lines = [f"Demo users (password: {password}):"]
    lines += [f"  {email:40} {role}" for email, role in created]
    return "\n".join(lines)
