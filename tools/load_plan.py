"""What the load test does, decided from the database before any traffic (tools.load).

The simulated users sign in to real accounts of every role, and their form posts must be
actions the rules allow, or the report would count the application's correct refusals as
errors. So the plan picks, per account, targets that are valid now: pilots whose next stage
this side may enter, marketing activities waiting for this side's approval, open challenges
its startup has not applied to yet. Each target is used once per run (tools.load_users).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import exists, func, or_, select
from werkzeug.security import check_password_hash

from govtech.extensions import db
from govtech.models import (
    Challenge,
    ChallengeState,
    MarketingActivity,
    MarketingState,
    Organisation,
    OrgKind,
    OrgState,
    Pilot,
    PilotStage,
    Proposal,
    Role,
    TwoStep,
    User,
)
from govtech.services import challenges, marketing, pilots, pipeline_status, two_step
from govtech.services.proposals import ACTIVE

_PASSWORD = re.compile(r"password(?: for every account)?: ([^\s)]+)")
FALLBACK_WORDS = ["防災", "子育て", "オンライン", "AI", "観光", "窓口", "データ", "高齢者"]
OPEN_STAGES = [s for s in pilots.PIPELINE if s != PilotStage.adopted]
PER_ACCOUNT = 60  # pilots looked at per account when choosing its moves


@dataclass
class Account:
    email: str
    user_id: int
    org_id: int | None
    role: str
    moves: list[tuple[int, str]] = field(default_factory=list)  # (pilot id, next stage)
    approvals: list[int] = field(default_factory=list)  # marketing activity ids
    applies: list[int] = field(default_factory=list)  # open challenge ids not applied to
    pilots: list[int] = field(default_factory=list)  # pilots to look at
    challenges: list[int] = field(default_factory=list)  # own challenges (municipality)
    proposals: list[int] = field(default_factory=list)  # own proposals (startup)


@dataclass
class Plan:
    password: str
    accounts: dict[str, list[Account]]
    open_challenges: list[int]
    words: list[str]

    def summary(self) -> str:
        lines = []
        for role, accounts in self.accounts.items():
            moves = sum(len(a.moves) for a in accounts)
            approvals = sum(len(a.approvals) for a in accounts)
            applies = sum(len(a.applies) for a in accounts)
            lines.append(f"  {role:12} {len(accounts):4} accounts; write targets: {moves} pilot "
                         f"moves, {approvals} marketing approvals, {applies} open challenges "
                         "to apply to")
        lines.append(f"  public       {len(self.open_challenges)} open challenges, "
                     f"{len(self.words)} search words (e.g. {', '.join(self.words[:6])})")
        return "\n".join(lines)


def find_password(given: str | None, instance: Path) -> str:
    """The accounts' shared password: given, or read from the credentials file that
    `flask demo national` / `flask demo load` wrote; checked against a real account."""
    candidates = [given] if given else []
    for name in ("national-credentials.txt", "demo-credentials.txt"):
        path = instance / name
        if path.exists():
            candidates += _PASSWORD.findall(path.read_text(encoding="utf-8"))
    sample = db.session.scalar(select(User.password_hash).where(
        User.role != Role.manager, User.is_disabled.is_(False)).order_by(User.id).limit(1))
    for candidate in candidates:
        if sample and check_password_hash(sample, candidate):
            return candidate
    raise SystemExit("No password opens the accounts: pass --password (or LOAD_PASSWORD), the "
                     "one `flask demo national` printed.")


def _active_users(role: Role):
    query = select(User).where(User.role == role, User.is_disabled.is_(False),
                               User.is_invited.is_(False),
                               User.awaiting_confirmation.is_(False))
    if role == Role.manager:
        return query.where(exists().where(TwoStep.user_id == User.id,
                                          TwoStep.enabled_at.is_not(None)))
    return query.join(Organisation, Organisation.id == User.organisation_id).where(
        Organisation.state == OrgState.approved)


def _busiest_orgs(kind: OrgKind, limit: int) -> list[int]:
    """The organisations with the most open pilots (write targets for a load test)."""
    owner = Challenge.organisation_id if kind == OrgKind.municipality else Pilot.startup_id
    rows = db.session.execute(
        select(owner, func.count(Pilot.id)).select_from(Pilot)
        .join(Challenge, Challenge.id == Pilot.challenge_id)
        .join(Organisation, Organisation.id == owner)
        .where(Pilot.stage.in_(OPEN_STAGES), Organisation.state == OrgState.approved)
        .group_by(owner).order_by(func.count(Pilot.id).desc()).limit(limit)).all()
    return [org_id for org_id, _count in rows]


def _pick_accounts(role: Role, count: int) -> list[User]:
    """`count` accounts of a role, one per organisation, the busiest organisations first."""
    if role == Role.manager:
        return list(db.session.scalars(_active_users(role).order_by(User.id)).all())
    kind = OrgKind(role.value)
    chosen: list[User] = []
    org_ids = _busiest_orgs(kind, count * 2)
    users = db.session.scalars(_active_users(role).where(User.organisation_id.in_(org_ids))
                               .order_by(User.is_org_admin.desc(), User.id)).all()
    by_org: dict[int | None, User] = {}
    for user in users:
        by_org.setdefault(user.organisation_id, user)
    chosen = [by_org[o] for o in org_ids if o in by_org][:count]
    if len(chosen) < count:  # small databases: any approved member will do
        more = db.session.scalars(_active_users(role).where(User.id.not_in(
            [u.id for u in chosen] or [0])).order_by(User.id).limit(count - len(chosen))).all()
        chosen += list(more)
    return chosen


def _next_move(user: User, pilot: Pilot) -> str | None:
    """The pipeline's next stage when this user may make it now (never a way out)."""
    allowed = pilots.allowed_targets(user, pilot)
    if not allowed or allowed[0] in (PilotStage.not_adopted, PilotStage.withdrawn):
        return None
    if pipeline_status.blocking(pilot):  # the gate: a required record is still open
        return None
    return allowed[0]


def _side_filter(user: User):
    if user.role == Role.municipality:
        return Challenge.organisation_id == user.organisation_id
    if user.role == Role.startup:
        return Pilot.startup_id == user.organisation_id
    return Pilot.id.is_not(None)


def _fill(account: Account, user: User, taken: set[int], taken_activities: set[int],
          adopt: bool) -> None:
    """The account's write targets (each pilot and activity given to one account only) and
    pages to look at."""
    base = (select(Pilot).join(Challenge, Challenge.id == Pilot.challenge_id)
            .where(_side_filter(user)))
    stages = pilots.PIPELINE[:-1] if adopt else OPEN_STAGES[:-1]  # budgeting → adopted or not
    candidates = db.session.scalars(base.where(Pilot.stage.in_(stages), Pilot.id.not_in(
        taken or {0})).order_by(Pilot.id.desc()).limit(PER_ACCOUNT)).all()
    for pilot in candidates:
        target = _next_move(user, pilot)
        if target is not None:
            account.moves.append((pilot.id, target))
            taken.add(pilot.id)
    account.pilots = list(db.session.scalars(base.with_only_columns(Pilot.id)
                                             .order_by(Pilot.id.desc()).limit(30)))
    side = {"municipality": MarketingActivity.municipality_approved_at,
            "startup": MarketingActivity.startup_approved_at,
            "manager": MarketingActivity.manager_approved_at}[user.role.value]
    waiting = db.session.scalars(
        select(MarketingActivity).join(Pilot, Pilot.id == MarketingActivity.pilot_id)
        .join(Challenge, Challenge.id == Pilot.challenge_id)
        .where(_side_filter(user), side.is_(None), MarketingActivity.state.in_(
            [MarketingState.in_review, MarketingState.published]))
        .order_by(MarketingActivity.id.desc()).limit(PER_ACCOUNT)).all()
    account.approvals = [a.id for a in waiting if a.id not in taken_activities
                         and marketing.may_approve(user, a)]
    taken_activities.update(account.approvals)


def _open_challenges(limit: int, startup_id: int | None = None) -> list[int]:
    query = (select(Challenge.id).join(Organisation, Organisation.id == Challenge.organisation_id)
             .where(Challenge.state == ChallengeState.open, Organisation.state == OrgState.approved,
                    or_(Challenge.deadline.is_(None), Challenge.deadline >= challenges.today())))
    if startup_id is not None:
        query = query.where(~exists().where(Proposal.challenge_id == Challenge.id,
                                            Proposal.startup_id == startup_id,
                                            Proposal.state.in_(ACTIVE)))
    return list(db.session.scalars(query.order_by(Challenge.id.desc()).limit(limit)))


def _words(limit: int = 60) -> list[str]:
    """Real search words: the commonest tags of open challenges."""
    counts: Counter[str] = Counter()
    for tags in db.session.scalars(select(Challenge.tags).where(
            Challenge.state == ChallengeState.open).limit(3000)):
        counts.update(t for t in (tags or []) if 1 < len(t) <= 20)
    words = [word for word, _n in counts.most_common(limit)]
    return words if len(words) >= 5 else FALLBACK_WORDS


def build(app: Flask, password: str | None, needed: dict[str, int], adopt: bool) -> Plan:
    """The plan for `needed` accounts per role (managers: all that can sign in)."""
    with app.app_context():
        plan = Plan(password=find_password(password, Path(app.instance_path)), accounts={},
                    open_challenges=_open_challenges(400), words=_words())
        taken_pilots: set[int] = set()
        taken_activities: set[int] = set()
        for role in (Role.municipality, Role.startup, Role.manager):
            accounts = []
            for user in _pick_accounts(role, needed.get(role.value, 0)):
                account = Account(user.email, user.id, user.organisation_id, role.value)
                _fill(account, user, taken_pilots, taken_activities, adopt)
                if role == Role.municipality:
                    account.challenges = list(db.session.scalars(
                        select(Challenge.id)
                        .where(Challenge.organisation_id == user.organisation_id)
                        .order_by(Challenge.id.desc()).limit(20)))
                if role == Role.startup and user.organisation_id is not None:
                    account.applies = _open_challenges(20, user.organisation_id)
                    account.proposals = list(db.session.scalars(
                        select(Proposal.id).where(Proposal.startup_id == user.organisation_id)
                        .order_by(Proposal.id.desc()).limit(20)))
                accounts.append(account)
            plan.accounts[role.value] = accounts
        db.session.remove()
    return plan


def needed_accounts(users: int, weights: dict[str, int]) -> dict[str, int]:
    """Accounts per role so that no two simulated users share one (managers excepted)."""
    total = sum(weights.values())
    return {role: math.ceil(users * weight / total) + 1 for role, weight in weights.items()}


def totp_code(app: Flask, user_id: int) -> tuple[str | None, float]:
    """The code the manager's app shows now (two_step.current_code); or None and the seconds
    to wait when this step's code was already used (a code is accepted once, and two runs may
    follow each other within 30 seconds)."""
    with app.app_context():
        user = db.session.get_one(User, user_id)
        record = db.session.get(TwoStep, user_id)
        now = two_step.clock().timestamp()
        used = record.last_step if record is not None else None
        code = None if used is not None and used >= int(now) // 30 else \
            two_step.current_code(user)
        db.session.remove()
    return code, 0.0 if code else (used + 1) * 30 - now + 0.5  # type: ignore[operator]
