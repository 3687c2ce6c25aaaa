"""Demo pairs in several stages and a few proposals, made through the services like users would.

The services stamp every history event with the current time; a demo of a pipeline needs months
of history, so after each pair is built its timeline is spread back in time (demo only: real
events are immutable and never rewritten).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from govtech.extensions import db
from govtech.models import Challenge, HistoryEvent, Pilot, Proposal, User
from govtech.models.base import utcnow

# Typical days in each stage, used to spread a demo pair's history back in time.
DAYS = {"introduced": 9, "meeting": 16, "proposal": 24, "selected": 12, "agreement": 35,
        "pilot": 95, "evaluation": 28, "budgeting": 70}

# (municipality key, challenge title, startup key, final stage, days in it, notes by stage,
#  KPIs (name, unit, baseline, target, actual), milestones (title, days from today, done),
#  report (verified, learned, changed, decision) or None, not-adopted reason)
Kpi = tuple[str, str, float | None, float | None, float | None]
Milestone = tuple[str, int, bool]
Report = tuple[str, str, str, str]
Pair = tuple[str, str, str, str, int, dict[str, str], list[Kpi], list[Milestone], Report | None,
             str | None]

PAIRS: list[Pair] = [
    ("yurihonjo", "河川水位の見える化と防災情報の配信", "momo", "adopted", 40,
     {"meeting": "市役所で危機管理課と面談。設置候補の河川を確認。",
      "selected": "提案内容と費用を評価し、選定。", "agreement": "実証に関する基本協定を締結。",
      "pilot": "市内5河川にセンサー12台を設置して実証開始。",
      "adopted": "令和8年度予算で本格導入が決定。"},
     [("通知までの時間", "分", 30, 5, 3), ("避難情報の到達率", "%", 45, 80, 86),
      ("設置したセンサー", "台", 0, 10, 12)],
     [("センサー設置", -150, True), ("住民説明会", -120, True), ("効果測定の報告", -60, True)],
     ("センサーの水位と目視の差は±3cm以内。しきい値超過から通知まで平均3分。",
      "高齢者にはLINEより防災無線との併用が届きやすい。電池は1年以上もつ。",
      "水位の巡回が減り、夜間の出動判断が早くなった。",
      "効果が確認できたため、市内全域の中小河川に拡大して本格導入する。"), None),
    ("saitama", "統計データのセルフサービス分析", "atl", "budgeting", 25,
     {"meeting": "統計担当と各課の集計業務を確認。", "agreement": "3課で試行する協定を締結。",
      "pilot": "3課の職員30名が試用を開始。", "budgeting": "次年度予算要求に向けて費用を精査中。"},
     [("集計依頼の回答日数", "日", 14, 2, 1.5), ("自分で分析した職員", "人", 0, 50, 64)],
     [("職員研修", -90, True), ("予算要求資料の提出", 20, False)],
     ("集計依頼の多くを職員が自分でこなせた。回答日数は平均1.5日に短縮。",
      "操作研修は1回2時間で足りる。データの更新手順を決めておく必要がある。",
      "統計担当への依頼が7割減り、会議資料の作成が早くなった。",
      "全庁展開を前提に予算要求する。"), None),
    ("yurihonjo", "デマンド交通とMaaSによる移動手段の確保", "maastech", "pilot", 48,
     {"meeting": "交通政策課と面談。", "selected": "公募型プロポーザルで選定。",
      "pilot": "東由利地域で予約型乗合交通の実証運行を開始。"},
     [("予約乗合の利用者", "人/月", 0, 300, 210), ("通院の片道移動時間", "分", 60, 40, None)],
     [("運行開始", -48, True), ("利用者アンケート", 14, False), ("中間報告", 40, False)],
     None, None),
    ("fukui", "Teamsを活用した庁内コミュニケーション改革", "headwaters", "agreement", 12,
     {"meeting": "県庁の情報政策課と面談。", "selected": "研修付きの提案を評価して選定。"},
     [("会議時間", "時間/週", 6, 4, None)], [("基本協定の締結", 10, False)], None, None),
    ("kanazawa", "子育て支援アプリによる情報発信", "mti", "meeting", 6,
     {"meeting": "こども未来課と初回面談を実施。"}, [], [], None, None),
    ("kanazawa", "観光客の回遊データ分析", "atl", "not_adopted", 30,
     {"pilot": "観光案内所2か所でデータ収集を実施。",
      "not_adopted": "効果は見込めるが、今年度は予算が確保できなかった。"},
     [("回遊した観光スポット数", "か所/人", 2.1, 3, 2.4)], [],
     ("人流データで混雑の時間帯を把握できた。", "データ提供事業者の費用が想定より高い。",
      "案内所の配置を一部見直した。", "予算確保が難しく、今年度は見送る。"), "budget"),
]

# (challenge title, startup key, approach, timeline, cost 万円, state)
PROPOSALS = [
    ("子育て支援アプリによる情報発信", "votefor",
     "保護者向けのオンラインアンケートで知りたい情報を集め、配信内容を改善し続けます。",
     "1か月目: アンケート設計\n2〜3か月目: 配信と改善", 180, "submitted"),
    ("緊急時のテレワーク環境の整備", "headwaters",
     "Microsoft Teamsと閉域接続で庁内システムに安全に接続し、運用ルールと研修を整えます。",
     "1か月目: 要件整理\n2〜4か月目: 試行（50名）\n5か月目: 評価", 900, "shortlisted"),
]


def _by_key(key: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{key}@demo.govtech.example"))


def _challenge(title: str) -> Challenge | None:
    return db.session.scalar(select(Challenge).where(Challenge.title == title))


def _spread_history(pilot: Pilot, days_in_last: int) -> None:
    """Place the pair's events back in time: the last one `days_in_last` days ago."""
    events = db.session.scalars(select(HistoryEvent).where(
        HistoryEvent.entity_type == "pilot", HistoryEvent.entity_id == pilot.id)
        .order_by(HistoryEvent.id)).all()
    when = utcnow() - timedelta(days=days_in_last)
    stamps = [when]
    for event in reversed(events[:-1]):
        when = when - timedelta(days=DAYS.get(event.to_state, 10))
        stamps.append(when)
    stamps.reverse()
    for event, stamp in zip(events, stamps, strict=True):
        db.session.execute(update(HistoryEvent).where(HistoryEvent.id == event.id)
                           .values(created_at=stamp))
    records = db.session.scalars(select(HistoryEvent).where(  # kept a day before the move
        HistoryEvent.entity_type == "checklist", HistoryEvent.entity_id == pilot.id)).all()
    for record in records:
        after = next((stamp for event, stamp in zip(events, stamps, strict=True)
                      if event.id > record.id), None)
        if after is not None:
            db.session.execute(update(HistoryEvent).where(HistoryEvent.id == record.id)
                               .values(created_at=after - timedelta(days=1)))
    values = {"started_at": stamps[0], "stage_entered_at": stamps[-1]}
    if not pilot.is_open:
        values["closed_at"] = stamps[-1]
    db.session.execute(update(Pilot).where(Pilot.id == pilot.id).values(**values))
    db.session.commit()


def load_pairs() -> None:
    from govtech.demo import purchase_checklist
    from govtech.services import pilots, workflow

    manager = _by_key("manager")
    order = [s.value for s in workflow.PILOT_PIPELINE]
    for (town, title, startup_key, stage, age, notes, kpis, milestones, report,
         reason) in PAIRS:
        challenge, startup_user = _challenge(title), _by_key(startup_key)
        town_user = _by_key(town)
        if manager is None or challenge is None or startup_user is None or town_user is None:
            continue
        startup = startup_user.organisation
        if startup is None:
            continue
        if db.session.scalar(select(Pilot.id).where(Pilot.challenge_id == challenge.id,
                                                    Pilot.startup_id == startup.id)):
            continue
        pilot = pilots.start(manager, challenge, startup, note="事務局のマッチングから紹介。")
        for kpi in kpis:
            pilots.add_kpi(startup_user, pilot, **dict(zip(
                ("name", "unit", "baseline", "target", "actual"), kpi, strict=True)))
        for milestone_title, offset, done in milestones:
            milestone = pilots.add_milestone(town_user, pilot, milestone_title,
                                             (utcnow() + timedelta(days=offset)).date())
            if done:
                pilots.toggle_milestone(town_user, milestone)
        if report:
            pilots.save_report(town_user, pilot, **dict(zip(
                ("verified", "learned", "changed", "adoption_decision"), report, strict=True)))
        if stage in order:
            steps = order[1:order.index(stage) + 1]
        else:  # ends early: walk to the evaluation (or pilot) stage, then out
            steps = order[1:order.index("evaluation" if report else "pilot") + 1] + [stage]
        for step in steps:
            actor = town_user if step in ("adopted", "not_adopted", "agreement") else (
                startup_user if step in ("meeting", "proposal") else manager)
            if step not in ("not_adopted", "withdrawn"):  # the gate wants the stage's records
                purchase_checklist.keep(town_user, pilot)
            pilots.move(actor, pilot, step, notes.get(step, ""), expected_version=pilot.version,
                        reason=reason if step == "not_adopted" else None)
        _spread_history(pilot, age)


def load_proposals() -> None:
    from govtech.services import challenges, proposals

    for title, startup_key, approach, timeline, cost, state in PROPOSALS:
        challenge, startup_user = _challenge(title), _by_key(startup_key)
        if challenge is None or startup_user is None or not challenges.accepts_proposals(
                challenge):
            continue
        if db.session.scalar(select(Proposal.id).where(
                Proposal.challenge_id == challenge.id,
                Proposal.startup_id == startup_user.organisation_id)):
            continue
        proposal = proposals.submit(startup_user, challenge, approach=approach,
                                    timeline=timeline, cost_estimate=cost)
        if state == "shortlisted":
            reviewer = challenge.organisation.users[0]
            proposals.transition(reviewer, proposal, "shortlisted")


def load() -> None:
    load_pairs()
    load_proposals()
