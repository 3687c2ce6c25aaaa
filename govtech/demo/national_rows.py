"""Rows of the national demo: organisations, users, capabilities, challenges and proposals.

Each function returns plain dicts for bulk INSERTs (ids assigned here: the database is empty),
and records in `World` what later stages need to know, so no stage reads back what an earlier
one wrote.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from govtech.demo import national_texts as texts
from govtech.models.base import utcnow

DOMAIN = "national.example.jp"
START = datetime(2022, 1, 4, tzinfo=utcnow().tzinfo)
# Challenge states and their shares (they add up to 1).
CHALLENGE_STATES = (("draft", 0.10), ("open", 0.20), ("closed", 0.30), ("archived", 0.40))


@dataclass
class Counts:
    startups: int
    capabilities: int
    challenges: int
    proposals: int
    pilots: int
    marketing: int
    notifications: int
    managers: int

    @classmethod
    def at(cls, scale: float) -> Counts:
        def n(full: int, least: int = 1) -> int:
            return max(least, round(full * scale))
        return cls(startups=n(2000, 4), capabilities=n(5000, 8), challenges=n(20000, 40),
                   proposals=n(50000, 50), pilots=n(10000, 30), marketing=n(2000, 10),
                   notifications=n(200000, 100), managers=3)


@dataclass
class World:
    """What the stages know of each other's rows."""

    rng: random.Random
    now: datetime
    password_hash: str
    towns: list[texts.Town] = field(default_factory=list)
    org_user: dict[int, int] = field(default_factory=dict)  # organisation id → its user id
    org_name: dict[int, str] = field(default_factory=dict)
    town_ids: list[int] = field(default_factory=list)  # municipality organisation ids
    startup_ids: list[int] = field(default_factory=list)  # approved startups
    startup_capability: dict[int, dict] = field(default_factory=dict)  # first capability's texts
    managers: list[int] = field(default_factory=list)
    emails: dict[str, list[str]] = field(default_factory=dict)  # role → e-mails
    # challenge id → (organisation id, state, title, opened_at, deadline, budget_max)
    challenges: dict[int, tuple] = field(default_factory=dict)
    # pilot id → (id, town org id, startup id, challenge title, stages passed, their times)
    pilots: list[tuple] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)  # candidate notifications

    def at(self, start: datetime, end: datetime) -> datetime:
        """A random moment between two moments."""
        span = max((end - start).total_seconds(), 1.0)
        return start + timedelta(seconds=self.rng.random() * span)

    def event(self, entity: str, entity_id: int, actor: int | None, old: str | None, new: str,
              when: datetime, note: str = "") -> None:
        self.history.append({"entity_type": entity, "entity_id": entity_id, "actor_id": actor,
                             "from_state": old, "to_state": new, "note": note,
                             "created_at": when})


def organisations(world: World, towns: list[texts.Town], counts: Counts,
                  companies: list[texts.Source]) -> tuple[list[dict], list[dict]]:
    """Municipalities (prefectures included, as the bodies that take part too) and startups,
    with one administrator user each, and the managers."""
    rng = world.rng
    orgs: list[dict] = []
    users: list[dict] = []
    world.towns = towns
    for town in towns:
        org_id = len(orgs) + 1
        joined = world.at(START, START + timedelta(days=200))
        orgs.append(_org(org_id, "municipality", town.name, joined,
                         description=f"{texts.PREFECTURES[town.prefecture][0]}の"
                                     f"{'広域自治体' if town.is_prefecture else '基礎自治体'}。"
                                     "プログラムに参加し、地域の課題を公開しています。",
                         prefecture=town.prefecture, lg_code=town.lg_code,
                         population=texts.population(town, rng)))
        world.town_ids.append(org_id)
        users.append(_user(world, len(users) + 1, f"muni-{town.lg_code}@{DOMAIN}",
                           f"{town.name}ご担当者", "municipality", org_id, joined))
    pending = max(1, counts.startups // 100)
    for n in range(counts.startups + pending):
        org_id = len(orgs) + 1
        state = "pending" if n >= counts.startups else "approved"
        name = texts.startup_name(n, rng)
        joined = world.at(START, world.now - timedelta(days=30))
        pref = rng.choice(["13", "13", "13", "27", "14", "23", "40", "01", "26", "04"])
        described = companies[n % len(companies)].text
        orgs.append(_org(org_id, "startup", name, joined, state=state,
                         description=texts.first_sentence(described, 300),
                         website=f"https://startup-{n + 1}.{DOMAIN}/",
                         founded_year=rng.randint(1995, 2024), employees=rng.randint(3, 400),
                         head_office_prefecture=pref,
                         regions_served=rng.choice([["全国"], ["関東"], ["近畿", "中部"],
                                                    ["東北", "北海道"], ["九州", "中国"]])))
        if state == "approved":
            world.startup_ids.append(org_id)
        users.append(_user(world, len(users) + 1, f"startup-{n + 1}@{DOMAIN}",
                           f"{name}ご担当者", "startup", org_id, joined))
    for n in range(counts.managers):
        user_id = len(users) + 1
        users.append(_user(world, user_id, f"manager-{n + 1}@{DOMAIN}",
                           f"事務局 マネージャー{n + 1}", "manager", None, START))
        world.managers.append(user_id)
    for org in orgs:
        world.org_name[org["id"]] = org["name"]
        world.event("organisation", org["id"], world.org_user[org["id"]], None, "pending",
                    org["created_at"], "Signed up")
        if org["state"] == "approved":
            when = org["created_at"] + timedelta(days=rng.randint(1, 10))
            world.event("organisation", org["id"], rng.choice(world.managers), "pending",
                        "approved", when)
            world.notes.append(_note(world.org_user[org["id"]], "org_decided", "/home", when,
                                     org=org["name"], state="approved"))
    return orgs, users


def _org(org_id: int, kind: str, name: str, when: datetime, state: str = "approved",
         **fields) -> dict:
    row = {"id": org_id, "kind": kind, "name": name, "state": state, "description": "",
           "prefecture": None, "lg_code": None, "population": None, "website": None,
           "founded_year": None, "employees": None, "head_office_prefecture": None,
           "regions_served": [], "requires_two_step": False, "version": 1,
           "created_at": when, "updated_at": when}
    row.update(fields)
    return row


def _user(world: World, user_id: int, email: str, name: str, role: str, org_id: int | None,
          when: datetime) -> dict:
    world.emails.setdefault(role, []).append(email)
    if org_id is not None:
        world.org_user[org_id] = user_id
    return {"id": user_id, "email": email, "name": name, "password_hash": world.password_hash,
            "role": role, "organisation_id": org_id, "locale": None, "is_invited": False,
            "last_login_at": None, "is_org_admin": org_id is not None, "is_disabled": False,
            "awaiting_confirmation": False, "created_at": when, "updated_at": when}


def _note(user_id: int, kind: str, url: str, when: datetime, **params) -> dict:
    return {"user_id": user_id, "kind": kind, "params": params, "url": url, "created_at": when}


def capabilities(world: World, counts: Counts, companies: list[texts.Source],
                 needs: list[texts.Source]) -> list[dict]:
    """At least one capability per approved startup, the rest spread over them."""
    rng, rows = world.rng, []
    owners = list(world.startup_ids)
    owners += [rng.choice(world.startup_ids) for _ in range(counts.capabilities - len(owners))]
    for n, org_id in enumerate(owners[:counts.capabilities]):
        company = companies[(org_id * 7) % len(companies)]
        values = texts.capability_texts(company, rng.choice(needs), rng)
        world.startup_capability.setdefault(org_id, values)
        towns = rng.sample(world.town_ids, 2)
        when = world.at(START, world.now - timedelta(days=20))
        rows.append({"id": n + 1, "organisation_id": org_id, **values,
                     "track_record": [{"town": world.org_name[t], "year": rng.randint(2019, 2025),
                                       "note": "実証"} for t in towns[:rng.randint(0, 2)]],
                     "regions": rng.choice([["all"], ["13", "14"], ["関東"], ["近畿"]]),
                     "version": 1, "created_at": when, "updated_at": when})
    return rows


def _state_times(world: World, state: str) -> tuple[datetime, datetime | None, date]:
    """(created, opened, deadline) that fit the state today."""
    now, rng = world.now, world.rng
    if state == "draft":
        created = world.at(now - timedelta(days=60), now)
        return created, None, (now + timedelta(days=rng.randint(30, 120))).date()
    if state == "open":
        created = world.at(now - timedelta(days=200), now - timedelta(days=2))
        opened = created + timedelta(days=rng.uniform(0.5, 2))
        return created, opened, (now + timedelta(days=rng.randint(7, 120))).date()
    created = world.at(START, now - timedelta(days=200 if state == "archived" else 70))
    opened = created + timedelta(days=rng.uniform(1, 10))
    return created, opened, (opened + timedelta(days=rng.randint(30, 60))).date()


def challenges(world: World, counts: Counts, needs: list[texts.Source]) -> list[dict]:
    """Challenges of every town over the years, in every state, with their history."""
    rng, rows = world.rng, []
    states = rng.choices([s for s, _ in CHALLENGE_STATES], [w for _, w in CHALLENGE_STATES],
                         k=counts.challenges)
    for n, state in enumerate(states):
        challenge_id = n + 1
        org_id = world.town_ids[n % len(world.town_ids)] if n < len(world.town_ids) \
            else rng.choice(world.town_ids)
        town = world.towns[org_id - 1]  # municipalities were numbered first, in code order
        source, other = rng.choice(needs), rng.choice(needs)
        values = texts.challenge_texts(source, other, town.name, town.prefecture, rng)
        created, opened, deadline = _state_times(world, state)
        low = rng.choice([50, 100, 200, 300, 500])
        actor = world.org_user[org_id]
        rows.append({"id": challenge_id, "organisation_id": org_id, **values,
                     "budget_min": low, "budget_max": low * rng.choice([2, 3, 4]),
                     "pilot_start": None, "pilot_end": None, "deadline": deadline, "state": state,
                     "opened_at": opened, "version": 1, "created_at": created,
                     "updated_at": opened or created})
        world.challenges[challenge_id] = (org_id, state, values["title"], opened, deadline,
                                          low * 4, created)
        world.event("challenge", challenge_id, actor, None, "draft", created)
        if opened is None:
            continue
        world.event("challenge", challenge_id, actor, "draft", "open", opened)
        if state in ("closed", "archived"):
            closed = datetime.combine(deadline, opened.timetz()) + timedelta(days=1)
            world.event("challenge", challenge_id, actor, "open", "closed", closed)
            if state == "archived":
                world.event("challenge", challenge_id, actor, "closed", "archived",
                            closed + timedelta(days=rng.randint(30, 120)))
    return rows


# Proposal outcomes: (path of states after `submitted`, weight) for calls still open / closed.
Paths = tuple[tuple[list[str], int], ...]
OPEN_PATHS: Paths = (([], 70), (["shortlisted"], 20), (["withdrawn"], 5), (["declined"], 5))
CLOSED_PATHS: Paths = (([], 4), (["declined"], 50), (["shortlisted", "declined"], 12),
                (["shortlisted", "accepted"], 12), (["withdrawn"], 10),
                (["shortlisted"], 4), (["shortlisted", "withdrawn"], 8))


def proposals(world: World, counts: Counts) -> list[dict]:
    """Startups' proposals to calls that were opened, one per startup and call."""
    rng = world.rng
    rows: list[dict] = []
    seen: set[tuple[int, int]] = set()
    called = [cid for cid, info in world.challenges.items() if info[3] is not None]
    while len(rows) < counts.proposals and len(seen) < len(called) * len(world.startup_ids):
        challenge_id, startup_id = rng.choice(called), rng.choice(world.startup_ids)
        if (challenge_id, startup_id) in seen:
            continue
        seen.add((challenge_id, startup_id))
        org_id, state, title, opened, deadline, budget, _created = world.challenges[challenge_id]
        end = min(world.now, datetime.combine(deadline, opened.timetz()))
        sent = world.at(opened, end)
        paths = OPEN_PATHS if state == "open" else CLOSED_PATHS
        path = rng.choices([p for p, _ in paths], [w for _, w in paths])[0]
        proposal_id = len(rows) + 1
        author = world.org_user[startup_id]
        offer = world.startup_capability.get(startup_id, {"description": ""})
        rows.append({"id": proposal_id, "challenge_id": challenge_id, "startup_id": startup_id,
                     "author_id": author,
                     "approach": f"{offer['description']}\n\n{title}に合わせて導入します。",
                     "timeline": "1か月目: 要件整理\n2〜4か月目: 実証\n5か月目: 効果測定",
                     "cost_estimate": rng.randint(budget // 8, budget), "attachment_key": None,
                     "attachment_name": None, "attachment_size": None,
                     "state": path[-1] if path else "submitted", "reason": "", "version": 1,
                     "created_at": sent, "updated_at": sent})
        url = f"/proposals/{proposal_id}"
        world.event("proposal", proposal_id, author, None, "submitted", sent)
        world.notes.append(_note(world.org_user[org_id], "proposal_received", url, sent,
                                 startup=world.org_name[startup_id], challenge=title))
        previous, when = "submitted", sent
        for target in path:
            when = min(world.now, when + timedelta(days=rng.uniform(2, 20)))
            actor = author if target == "withdrawn" else world.org_user[org_id]
            world.event("proposal", proposal_id, actor, previous, target, when)
            if target != "withdrawn":
                world.notes.append(_note(author, "proposal_decided", url, when,
                                         challenge=title, state=target))
            previous = target
        rows[-1]["updated_at"] = when
    return rows
