"""Rows of the national demo's pipeline: pairs in every stage with their history, KPIs,
milestones and reports; joint marketing; and the notifications all of it sent."""
from __future__ import annotations

from datetime import timedelta

from govtech.demo import national_texts as texts
from govtech.demo.national_rows import Counts, World, _note
from govtech.demo.pipeline import DAYS
from govtech.labels import NOT_ADOPTED_REASONS
from govtech.services.workflow import PILOT_PIPELINE

ORDER = [stage.value for stage in PILOT_PIPELINE]
# Where the pairs are today: every stage of the pipeline, and the two ways out.
STAGE_WEIGHTS = {"introduced": 9, "meeting": 10, "proposal": 9, "selected": 8, "agreement": 8,
                 "pilot": 11, "evaluation": 7, "budgeting": 6, "adopted": 12, "not_adopted": 12,
                 "withdrawn": 8}
DECIDERS = ("selected", "agreement", "budgeting", "adopted", "not_adopted")
REPORT = ("実証期間中の効果を測定し、目標値をおおむね達成した。",
          "職員の操作研修と、データ更新の手順を決めておくことが定着の鍵だった。",
          "担当課の作業時間が減り、住民への案内が早くなった。")
MARKETING_STATES = (("planned", 15), ("drafting", 15), ("in_review", 20), ("approved", 10),
                    ("published", 30), ("cancelled", 10))
MARKETING_TITLES = {"press_release": "{town}、{startup}と「{challenge}」の実証を開始",
                    "case_study": "{challenge} — {town}の導入事例",
                    "webinar_event": "オンラインセミナー「{town}の{challenge}から見えたこと」",
                    "article": "{startup}が語る{town}との協働",
                    "award_entry": "{town}×{startup}：{challenge}（アワード応募）",
                    "joint_sales": "{challenge}の横展開に向けた共同提案"}


def _path(stage: str, rng) -> list[str]:
    """The stages a pair passed through to reach `stage`, `introduced` first."""
    if stage in ORDER:
        return ORDER[:ORDER.index(stage) + 1]
    last_open = "evaluation" if stage == "not_adopted" and rng.random() < 0.6 else rng.choice(
        ORDER[:-1])
    return ORDER[:ORDER.index(last_open) + 1] + [stage]


def pilots(world: World, counts: Counts) -> dict[str, list[dict]]:
    """Pairs of an opened call and a startup, walked to their stage with a dated history."""
    rng, seen = world.rng, set()
    rows: list[dict] = []
    kpis: list[dict] = []
    milestones: list[dict] = []
    entries: list[dict] = []
    called = [cid for cid, info in world.challenges.items() if info[3] is not None]
    stages = rng.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()), k=counts.pilots)
    for stage in stages:
        while True:
            challenge_id, startup_id = rng.choice(called), rng.choice(world.startup_ids)
            if (challenge_id, startup_id) not in seen:
                break
        seen.add((challenge_id, startup_id))
        org_id, _state, title, opened, _deadline, _budget, _created = world.challenges[
            challenge_id]
        path = _path(stage, rng)
        gaps = [rng.uniform(0.5, 1.6) * DAYS.get(s, 20) for s in path[:-1]]
        start = opened + timedelta(days=rng.uniform(5, 45))
        room = (world.now - start).total_seconds() / 86400 - rng.uniform(1, 20)
        if sum(gaps) > room:  # a call opened lately: the same steps, closer together
            gaps = [g * max(room, 1) / sum(gaps) for g in gaps]
        stamps, when = [start], start
        for gap in gaps:
            when += timedelta(days=gap)
            stamps.append(when)
        pilot_id = len(rows) + 1
        town_user, startup_user = world.org_user[org_id], world.org_user[startup_id]
        reported = "evaluation" in path[:-1]
        reason = rng.choice(list(NOT_ADOPTED_REASONS)) if stage == "not_adopted" else None
        rows.append({"id": pilot_id, "challenge_id": challenge_id, "startup_id": startup_id,
                     "stage": stage, "stage_entered_at": stamps[-1], "started_at": start,
                     "closed_at": stamps[-1] if stage in ("adopted", "not_adopted",
                                                          "withdrawn") else None,
                     "not_adopted_reason": reason,
                     "not_adopted_note": texts.NOTES["not_adopted"] if reason else "",
                     "verified": REPORT[0] if reported else "",
                     "learned": REPORT[1] if reported else "",
                     "changed": REPORT[2] if reported else "",
                     "adoption_decision": texts.NOTES.get(stage, "") if reported else "",
                     "version": len(path), "created_at": start, "updated_at": stamps[-1]})
        url, previous = f"/pilots/{pilot_id}", None
        for step, stamp in zip(path, stamps, strict=True):
            actor = rng.choice(world.managers) if step == "introduced" else (
                town_user if step in DECIDERS else rng.choice([town_user, startup_user]))
            world.event("pilot", pilot_id, actor, previous, step, stamp,
                        texts.NOTES.get(step, "事務局のマッチングから紹介。"))
            params = {"challenge": title, "startup": world.org_name[startup_id]}
            if step == "introduced":
                for user in (town_user, startup_user):
                    world.notes.append(_note(user, "introduced", url, stamp,
                                             town=world.org_name[org_id], **params))
            else:
                other = startup_user if actor == town_user else town_user
                world.notes.append(_note(other, "pilot_moved", url, stamp, stage=step, **params))
            previous = step
        if "agreement" in path:
            for name, unit, baseline, target, actual in rng.sample(texts.KPI_POOL,
                                                                   rng.randint(1, 3)):
                measured = "evaluation" in path or stage == "pilot" and rng.random() < 0.5
                kpis.append({"id": len(kpis) + 1, "pilot_id": pilot_id, "name": name,
                             "unit": unit, "baseline": baseline, "target": target,
                             "actual": actual * rng.uniform(0.8, 1.2) if measured else None})
            for n, (label, offset) in enumerate((("キックオフ", 0), ("中間報告", 45),
                                                 ("効果測定の報告", 90))):
                due = stamps[path.index("agreement")] + timedelta(days=offset + 10)
                milestones.append({"id": len(milestones) + 1, "pilot_id": pilot_id,
                                   "title": label, "due_date": due.date(),
                                   "is_done": due < world.now and n < 2 or reported})
        world.pilots.append((pilot_id, org_id, startup_id, title, path, stamps))
        entries += _records(rng, pilot_id, stage, stamps[-1], town_user, len(entries))
    return {"pilot": rows, "pilot_kpi": kpis, "milestone": milestones, "checklist_entry": entries}


# The required records of a stage (services.checklist), kept by most pairs at that stage so the
# load test finds movable pairs: (key, body, amount in yen).
Record = tuple[str, str, int | None]
RECORDS: dict[str, list[Record]] = {
    "meeting": [("meeting_notes", "初回面談の議事メモ。課題と実証の範囲を確認した。", None)],
    "selected": [("agreement", "実証実験に関する協定書を締結。", None)],
    "agreement": [("pilot_plan", "実証計画書：目的、範囲、期間、体制、評価方法。", None)],
    "budgeting": [("budget_request", "", 3_000_000), ("contract", "", 2_900_000)]}


def _records(rng, pilot_id: int, stage: str, entered, actor: int, taken: int) -> list[dict]:
    """Entries for the pair's current stage: about two pairs in three have kept them."""
    if stage not in RECORDS or rng.random() > 0.65:
        return []
    when = entered  # kept as the pair entered the stage
    return [{"id": taken + n + 1, "pilot_id": pilot_id, "key": key, "mark": "done",
             "body": body, "recorded_on": when.date(), "amount": amount, "reason": "",
             "due_on": None, "updated_by_id": actor, "updated_at": when}
            for n, (key, body, amount) in enumerate(RECORDS[stage])]


def marketing(world: World, counts: Counts, kpis: list[dict]) -> list[dict]:
    """Joint marketing of pairs that reached the pilot stage, in every state."""
    rng = world.rng
    rows: list[dict] = []
    figures: dict[int, list[dict]] = {}
    for kpi in kpis:
        figures.setdefault(kpi["pilot_id"], []).append(
            {"name": kpi["name"], "unit": kpi["unit"], "baseline": kpi["baseline"],
             "target": kpi["target"], "actual": kpi["actual"]})
    piloted = [p for p in world.pilots if "pilot" in p[4]]
    if not piloted:
        return rows
    states = rng.choices([s for s, _ in MARKETING_STATES], [w for _, w in MARKETING_STATES],
                         k=counts.marketing)
    kinds = list(MARKETING_TITLES)
    for state in states:
        pilot_id, org_id, startup_id, title, path, stamps = rng.choice(piloted)
        kind = "case_study" if state == "published" and rng.random() < 0.4 else rng.choice(kinds)
        town_user, startup_user = world.org_user[org_id], world.org_user[startup_id]
        manager = rng.choice(world.managers)
        start = stamps[path.index("pilot")] + timedelta(days=rng.uniform(3, 40))
        start = min(start, world.now - timedelta(days=3))
        walk = {"planned": ["planned"], "drafting": ["planned", "drafting"],
                "in_review": ["planned", "drafting", "in_review"],
                "approved": ["planned", "drafting", "in_review", "approved"],
                "published": ["planned", "drafting", "in_review", "approved", "published"],
                "cancelled": ["planned", rng.choice(["planned", "drafting"]), "cancelled"]}[state]
        walk = list(dict.fromkeys(walk))
        activity_id = len(rows) + 1
        when, previous, stamp_of = start, None, {}
        for step in walk:
            world.event("marketing", activity_id, town_user if step == "published"
                        else manager if step == "approved" else startup_user, previous, step,
                        when)
            stamp_of[step] = when
            if step in ("in_review", "approved", "published"):
                for user in (town_user, manager) if step == "in_review" else (town_user,
                                                                              startup_user):
                    world.notes.append(_note(user, "marketing_review" if step == "in_review"
                                             else "marketing_update", f"/marketing/{activity_id}",
                                             when, title=title[:60], **(
                                                 {} if step == "in_review" else {"state": step})))
            previous = step
            when = min(world.now, when + timedelta(days=rng.uniform(2, 15)))
        approved = state in ("approved", "published")
        sides = {"municipality": town_user, "startup": startup_user, "manager": manager}
        given = list(sides) if approved else rng.sample(list(sides), rng.randint(0, 2)) \
            if state == "in_review" else []
        row = {"id": activity_id, "pilot_id": pilot_id, "kind": kind,
               "title": MARKETING_TITLES[kind].format(town=world.org_name[org_id],
                                                      startup=world.org_name[startup_id],
                                                      challenge=title[:60])[:200],
               "body": f"## 取り組み\n{title}\n\n## 成果\n{REPORT[0]}\n\n## 今後\n{REPORT[2]}",
               "planned_date": (start + timedelta(days=rng.randint(10, 60))).date(),
               "published_at": stamp_of.get("published"),
               "is_public": state == "published" and rng.random() < 0.7,
               "state": state, "created_by_id": startup_user,
               "kpi_snapshot": figures.get(pilot_id, []) if approved and kind == "case_study"
               else None,
               "kpi_snapshot_at": stamp_of.get("approved") if approved and kind == "case_study"
               else None,
               "version": len(walk), "created_at": start, "updated_at": when}
        for side, user in sides.items():
            row[f"{side}_approved_by_id"] = user if side in given else None
            row[f"{side}_approved_at"] = stamp_of.get("approved", stamp_of.get(
                "in_review")) if side in given else None
        rows.append(row)
    return rows


def notifications(world: World, counts: Counts) -> list[dict]:
    """What the records above told people, the newest first cut to the count; read when old."""
    rng, notes = world.rng, world.notes
    notes.sort(key=lambda note: note["created_at"], reverse=True)
    chosen = notes[:counts.notifications]
    while len(chosen) < counts.notifications and notes:  # a small programme told people less
        extra = dict(rng.choice(notes))
        extra["created_at"] = world.at(extra["created_at"], world.now)
        chosen.append(extra)
    rows = []
    for n, note in enumerate(chosen):
        age = (world.now - note["created_at"]).days
        read = note["created_at"] + timedelta(hours=rng.uniform(1, 72)) if (
            age > 30 and rng.random() < 0.9 or rng.random() < 0.4) else None
        rows.append({**note, "id": n + 1, "read_at": min(read, world.now) if read else None,
                     "emailed_at": note["created_at"] if rng.random() < 0.5 else None})
    return rows
