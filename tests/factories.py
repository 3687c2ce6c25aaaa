"""Test data made through the services (or plainly, where a service would get in the way).

Factories open their own app context and return plain records, so tests can use them next to the
client without sharing a session.
"""
from __future__ import annotations

import email
import itertools
from dataclasses import dataclass
from email import policy
from pathlib import Path

from govtech.extensions import db
from govtech.models import Organisation, OrgKind, OrgState, Role, User
from govtech.services import accounts, organisations
from govtech.services import two_step as two_step_service
from tests import walk

PASSWORD = "correct-horse-battery-9"
_counter = itertools.count(1)


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    role: str
    org_id: int | None
    password: str = PASSWORD
    totp_secret: str | None = None  # two-step sign-in's secret, when it is on


def user(app, role: str = "municipality", *, state: str = "approved", email: str | None = None,
         org_id: int | None = None, password: str = PASSWORD, name: str = "",
         prefecture: str = "13", two_step: bool | None = None) -> UserRecord:
    """A user of `role`; organisation users get a new organisation in `state` unless `org_id`.
    Managers have two-step sign-in on unless `two_step=False` (it is required of them)."""
    n = next(_counter)
    email = email or f"{role}{n}@example.jp"
    with app.test_request_context():
        if role == "manager":
            created = accounts.create_manager(email, name or f"Manager {n}", password)
            secret = two_step_service.enrol_for_setup(created) if two_step is not False else None
            return UserRecord(created.id, created.email, role, None, password, secret)
        if org_id is not None:
            org = db.session.get(Organisation, org_id)
            created = User(email=email, name=name or f"User {n}", role=Role(role),
                           organisation=org, password_hash=accounts.hash_password(password))
            db.session.add(created)
            db.session.commit()
            secret = two_step_service.enrol_for_setup(created) if two_step else None
            return UserRecord(created.id, created.email, role, org_id, password, secret)
        kind = OrgKind(role)
        created = accounts.signup(
            kind=kind, org_name=f"{'市' if kind == OrgKind.municipality else '株式会社'} {n}",
            name=name or f"User {n}", email=email, password=password, prefecture=prefecture,
            lg_code=None,
        )
        confirm(created)  # the mailed link, as its user would follow it
        org = created.organisation
        if state != "pending":
            boss = accounts.create_manager(f"approver{n}@example.jp", "Approver", PASSWORD)
            organisations.set_state(boss, org, OrgState.approved)
            if state == "suspended":
                organisations.set_state(boss, org, OrgState.suspended)
        secret = two_step_service.enrol_for_setup(created) if two_step else None
        return UserRecord(created.id, created.email, role, org.id, password, secret)


def confirm(created) -> None:
    """Confirm a sign-up's e-mail address (inside a request context), as its link does."""
    accounts.confirm_email(accounts.make_token(created, "confirm"))


def confirmation_token(app, record: UserRecord) -> str:
    """The token of the sign-up confirmation link of this (unconfirmed) user."""
    with app.test_request_context():
        return accounts.make_token(db.session.get(User, record.id), "confirm")


def challenge(app, owner: UserRecord, *, state: str = "open", **values) -> int:
    """A challenge of the owner's municipality, moved to `state` through the service."""
    from govtech.models import ChallengeState, User
    from govtech.services import challenges

    fields = {"title": "防災アプリによる避難情報の配信",
              "summary": "災害時の情報伝達を改善したい。",
              "description": "## 背景\n避難情報が住民に届かない。", "categories": ["disaster"],
              "tags": ["防災", "LINE"], "deadline": None} | values
    with app.test_request_context():
        actor = db.session.get(User, owner.id)
        created = challenges.create(actor, **fields)
        path = {"draft": [], "open": ["open"], "closed": ["open", "closed"],
                "archived": ["open", "closed", "archived"]}[state]
        for target in path:
            challenges.transition(actor, created, ChallengeState(target))
        return created.id


def capability(app, owner: UserRecord, **values) -> int:
    """A capability of the owner's startup."""
    from govtech.models import User
    from govtech.services import startups

    fields = {"title": "避難所混雑マップ", "description": "IoTで避難所の混雑を可視化します。",
              "categories": ["disaster"], "tags": ["IoT"],
              "track_record": [{"town": "由利本荘市", "year": 2023, "note": ""}],
              "regions": ["all"]} | values
    with app.test_request_context():
        actor = db.session.get(User, owner.id)
        return startups.save_capability(actor, actor.organisation, None, **fields).id


def recommendation(app, challenge_id: int, startup_org_id: int, score: float = 0.5) -> int:
    """A suggested pair as the matcher would store it (or the one it already stored)."""
    from sqlalchemy import select

    from govtech.models import Recommendation

    with app.app_context():
        rec = db.session.scalar(select(Recommendation).filter_by(
            challenge_id=challenge_id, startup_id=startup_org_id))
        if rec is None:
            rec = Recommendation(challenge_id=challenge_id, startup_id=startup_org_id, score=score,
                                 text_score=score, terms=[{"term": "防災", "weight": 0.3}],
                                 signals=[], matcher_version="test", challenge_fingerprint="c",
                                 startup_fingerprint="s")
            db.session.add(rec)
            db.session.commit()
        return rec.id


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def proposal(app, applicant: UserRecord, challenge_id: int, *, state: str = "submitted",
             pdf: bool = False, reviewer: UserRecord | None = None, **values) -> int:
    """A proposal of the applicant's startup, moved to `state` by `reviewer` (the challenge's
    municipality or a manager) through the service."""
    import io

    from govtech.models import Challenge, User
    from govtech.services import proposals

    fields = {"approach": "IoTセンサーで水位を測り、LINEで通知します。",
              "timeline": "1か月目: 設置\n2〜4か月目: 実証", "cost_estimate": 300} | values
    with app.test_request_context():
        actor = db.session.get(User, applicant.id)
        challenge = db.session.get(Challenge, challenge_id)
        upload = proposals.Upload("提案書.pdf", io.BytesIO(PDF_BYTES)) if pdf else None
        created = proposals.submit(actor, challenge, attachment=upload, **fields)
        path = {"submitted": [], "shortlisted": ["shortlisted"],
                "accepted": ["shortlisted", "accepted"], "declined": ["declined"],
                "withdrawn": ["withdrawn"]}[state]
        for target in path:
            who = actor if target == "withdrawn" else db.session.get(User, reviewer.id)
            proposals.transition(who, created, target, reason="予算に合わないため")
        return created.id


def pilot(app, starter: UserRecord, challenge_id: int, startup_org_id: int, *,
          stage: str = "introduced", mover: UserRecord | None = None, report: bool = False) -> int:
    """A pair's pilot started by `starter` (manager or the challenge's municipality) and moved
    one step at a time to `stage` by `mover` (default: the starter)."""
    from govtech.models import Challenge, Organisation, User
    from govtech.services import pilots, workflow

    with app.test_request_context():
        actor = db.session.get(User, starter.id)
        created = pilots.start(actor, db.session.get(Challenge, challenge_id),
                               db.session.get(Organisation, startup_org_id))
        who = db.session.get(User, (mover or starter).id)
        order = [s.value for s in workflow.PILOT_PIPELINE]
        if report or stage in order[order.index("evaluation") + 1:]:
            pilots.save_report(who, created, verified="検証した", learned="学んだ",
                               changed="変わった", adoption_decision="")
        steps = order[1:order.index(stage) + 1] if stage in order else [stage]
        for target in steps:
            walk.move(who, created, target, expected_version=created.version,
                      reason="budget" if target == "not_adopted" else None)
        return created.id


def move_pilot(app, mover: UserRecord, pilot_id: int, stage: str) -> None:
    """Move an existing pilot one step at a time to `stage`, writing the report on the way."""
    from govtech.models import Pilot, User
    from govtech.services import pilots, workflow

    with app.test_request_context():
        who = db.session.get(User, mover.id)
        found = db.session.get(Pilot, pilot_id)
        order = [s.value for s in workflow.PILOT_PIPELINE]
        if stage in order[order.index("evaluation") + 1:] and not found.has_report:
            pilots.save_report(who, found, verified="検証した", learned="学んだ",
                               changed="変わった", adoption_decision="本格導入する")
        for target in order[order.index(found.stage.value) + 1:order.index(stage) + 1]:
            walk.move(who, found, target, expected_version=found.version)


def kpi(app, actor: UserRecord, pilot_id: int, **values) -> int:
    from govtech.models import Pilot, User
    from govtech.services import pilots

    fields = {"name": "避難情報の到達率", "unit": "%", "baseline": 40.0, "target": 80.0,
              "actual": None} | values
    with app.test_request_context():
        return pilots.add_kpi(db.session.get(User, actor.id), db.session.get(Pilot, pilot_id),
                              **fields).id


def milestone(app, actor: UserRecord, pilot_id: int, title: str = "センサー設置") -> int:
    from govtech.models import Pilot, User
    from govtech.services import pilots

    with app.test_request_context():
        return pilots.add_milestone(db.session.get(User, actor.id),
                                    db.session.get(Pilot, pilot_id), title, None).id


def notification(app, recipient: UserRecord, kind: str = "org_pending", url: str = "/home") -> int:
    """A notification for the recipient (without mail: it is added directly)."""
    from govtech.models import Notification

    with app.app_context():
        note = Notification(user_id=recipient.id, kind=kind, params={"org": "テスト市"}, url=url)
        db.session.add(note)
        db.session.commit()
        return note.id


MARKETING_PATHS = {"planned": [], "drafting": ["drafting"], "in_review": ["drafting", "in_review"],
                   "approved": ["drafting", "in_review", "approve"],
                   "published": ["drafting", "in_review", "approve", "published"],
                   "cancelled": ["cancelled"]}


def marketing(app, pilot_id: int, municipality: UserRecord, startup: UserRecord,
              manager: UserRecord, *, state: str = "planned", **values) -> int:
    """A marketing activity of the pair, moved to `state` through the service (the three
    approvals given by the three records when the path goes through approval)."""
    from govtech.models import Pilot, User
    from govtech.services import marketing as service

    fields = {"kind": "case_study", "title": "河川水位センサーで避難情報を3分で配信",
              "body": "## 背景\n避難情報が届かなかった。\n\n## 成果\n到達率が86%に。",
              "planned_date": None, "is_public": True} | values
    with app.test_request_context():
        town = db.session.get(User, municipality.id)
        created = service.create(town, db.session.get(Pilot, pilot_id), **fields)
        for step in MARKETING_PATHS[state]:
            if step == "approve":
                for record in (municipality, startup, manager):
                    service.approve(db.session.get(User, record.id), created)
            else:
                service.transition(town, created, step)
        return created.id


def login(client, record: UserRecord) -> None:
    """Log in as the record's user; with two-step sign-in on, the code step too."""
    response = client.post("/login", data={"email": record.email, "password": record.password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if "/login/code" in response.headers["Location"]:
        assert record.totp_secret, f"{record.email} has two-step sign-in but no secret here"
        response = client.post("/login/code", data={"code": fresh_code(client.application,
                                                                        record)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]


def totp_code(record: UserRecord, offset_steps: int = 0) -> str:
    """The code the user's authenticator app shows now (or `offset_steps` steps away)."""
    import pyotp

    assert record.totp_secret
    totp = pyotp.TOTP(record.totp_secret)
    return totp.generate_otp(totp.timecode(two_step_service.clock()) + offset_steps)


def fresh_code(app, record: UserRecord) -> str:
    """A code for now that the server will accept: a code cannot be used twice, and tests
    log in many times within one 30-second step, so the last used step is forgotten first
    (plainly: this is test set-up, not the service's behaviour)."""
    from govtech.models import TwoStep

    with app.app_context():
        found = db.session.get(TwoStep, record.id)
        if found is not None:
            found.last_step = None
            db.session.commit()
    return totp_code(record)


class Outbox:
    """Reads the development outbox folder."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def clear(self) -> None:
        for path in self.folder.glob("*.eml"):
            path.unlink()

    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        return [email.message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted(self.folder.glob("*.eml"))]

    def last_body(self) -> str:
        return self.messages()[-1].get_body(("plain",)).get_content()
