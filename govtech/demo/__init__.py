"""Loading the demo programme. Idempotent: existing records (by e-mail or name) are left alone."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from govtech.demo import (
    data,
    marketing,
    pipeline,
    purchase_catalogue,
    purchase_checklist,
    purchase_commitment,
    purchase_evidence,
    purchase_readiness,
)
from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, Role, User
from govtech.services import history, two_step
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
    # each demo organisation has one user, who is its administrator (as a first member is)
    db.session.add(User(email=email, name=name, role=role, organisation=org,
                        password_hash=password_hash, is_org_admin=org is not None))
    return True


def _org_by_key(key: str) -> Organisation | None:
    email = f"{key}@{DEMO_DOMAIN}"
    user = db.session.scalar(select(User).where(User.email == email))
    return user.organisation if user else None


def _load_content() -> None:
    """Challenges and capabilities, made through the services like a user would."""
    from datetime import timedelta

    from govtech.models import Capability, Challenge, ChallengeState
    from govtech.services import challenges, startups

    for key, specs in data.CHALLENGES.items():
        org = _org_by_key(key)
        if org is None or db.session.scalar(select(Challenge.id).where(
                Challenge.organisation_id == org.id)) is not None:
            continue
        actor = org.users[0]
        for n, (title, summary, description, cats, tags, budget, state) in enumerate(specs):
            challenge = challenges.create(
                actor, title=title, summary=summary, description=description, categories=cats,
                tags=tags, budget_min=budget[0], budget_max=budget[1],
                desired_outcome="", deadline=challenges.today() + timedelta(days=20 + 15 * n))
            path = {"draft": [], "open": ["open"], "closed": ["open", "closed"]}[state]
            for target in path:
                challenges.transition(actor, challenge, ChallengeState(target))
    for key, capabilities in data.CAPABILITIES.items():
        org = _org_by_key(key)
        if org is None or db.session.scalar(select(Capability.id).where(
                Capability.organisation_id == org.id)) is not None:
            continue
        actor = org.users[0]
        regions = capabilities[0][5]
        startups.update_profile(actor, org, expected_version=org.version, regions_served=regions)
        for title, description, cats, tags, record, regions in capabilities:
            startups.save_capability(
                actor, org, None, title=title, description=description, categories=cats,
                tags=tags, regions=regions,
                track_record=[{"town": t, "year": y, "note": note} for t, y, note in record])


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
            if _user(email, f"{spec['name']}ご担当者", Role(kind.value), org, password_hash):
                pending = "" if state == OrgState.approved else " (pending)"
                created.append((email, f"{kind.value}{pending}"))
    db.session.commit()
    _load_content()
    pipeline.load()
    marketing.load()
    for part in (purchase_commitment, purchase_checklist, purchase_readiness,
                 purchase_evidence, purchase_catalogue):  # the road to purchase (issue 17)
        part.load()
    if not created:
        return "Demo programme already loaded; nothing changed."
    lines = [f"Demo users (password: {password}):"]
    lines += [f"  {email:40} {role}" for email, role in created]
    if created[0][1] == "manager":
        lines += _enrol_manager(created[0][0])
    return "\n".join(lines)


def _enrol_manager(email: str) -> list[str]:
    """Managers must use two-step sign-in: the demo's manager has it on, and the report says
    how to get its codes."""
    manager = db.session.scalar(select(User).filter_by(email=email))
    assert manager is not None
    secret = two_step.enrol_for_setup(manager)
    return ["",
            f"The manager logs in with two-step sign-in. Its secret: {secret}",
            "  (add it to an authenticator app, or get the current code with",
            f"   flask users totp-code {email}",
            f"   or python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\")"]
