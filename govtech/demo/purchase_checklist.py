"""Demo data for issue 17, part 3: the records each demo pair kept on its way (meeting notes,
the signed 協定書, the pilot plan, the budget request and the contract), one waiver with its
reason, and open items with due dates on the pairs still at those stages.

`keep` is called by demo/pipeline.py before each forward move (the gate wants the stage's
records first); `load` then adds what the pairs at their current stage show.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from govtech.extensions import db
from govtech.models import Challenge, Pilot, User
from govtech.models.base import utcnow

# What each stage's stored items hold on the demo pairs (body, days ago, amount in yen).
RECORDS: dict[str, tuple[str, int, int | None]] = {
    "meeting_notes": ("参加者：担当課2名、事業者2名。現状の業務フローと課題を確認し、"
                      "実証の対象範囲と次回までの宿題（概算費用の提示）を決めた。", 0, None),
    "agreement": ("実証実験に関する協定書（協定番号 R7-実証-012）。"
                  "期間・KPI・データの取扱いを規定。", 0, None),
    "pilot_plan": ("目的：業務時間の削減効果を検証。対象：2課。期間：3か月。"
                   "体制：担当課リーダー1名、事業者PM1名。評価方法：KPIの前後比較と職員アンケート。",
                   0, None),
    "budget_request": ("", 0, 4_800_000),
    "contract": ("", 0, 4_620_000),
}
# A waiver on the demo: the pair whose plan is an annex of the agreement.
WAIVED = ("Teamsを活用した庁内コミュニケーション改革", "pilot_plan",
          "実証計画は協定書の別紙に含めて締結済みのため、別途の作成は不要とした。")


def keep(actor: User, pilot: Pilot) -> None:
    """Record (or waive, for the demo's waiver) the current stage's required stored items."""
    from govtech.services import checklist, pipeline_status

    for item in pipeline_status.blocking(pilot):
        if not item.stored:
            continue
        if (pilot.challenge.title, item.key) == WAIVED[:2]:
            checklist.waive(actor, pilot, item.key, WAIVED[2])
            continue
        body, _days, amount = RECORDS[item.key]
        checklist.record(actor, pilot, item.key, body=body, amount=amount,
                         recorded_on=utcnow().date() - timedelta(days=3))


def _pilot(title: str) -> Pilot | None:
    return db.session.scalar(select(Pilot).join(Challenge).where(Challenge.title == title)
                             .order_by(Pilot.id.desc()).limit(1))


def load() -> None:
    """The pairs at a stage with records to keep: one recorded, one waived, open ones with a
    due date."""
    from govtech.models.enums import ChecklistMark
    from govtech.models.procurement import ChecklistEntry
    from govtech.services import checklist

    if db.session.scalar(select(ChecklistEntry.id).where(
            ChecklistEntry.mark == ChecklistMark.waived).limit(1)) is not None:
        return  # loaded before: the demo's waiver is there
    soon = utcnow().date() + timedelta(days=10)
    budgeting = _pilot("統計データのセルフサービス分析")
    if budgeting is not None and budgeting.is_open:
        town = budgeting.challenge.organisation.users[0]
        body, _days, amount = RECORDS["budget_request"]
        checklist.record(town, budgeting, "budget_request", body=body, amount=amount,
                         recorded_on=utcnow().date() - timedelta(days=5))
        checklist.set_due(town, budgeting, "contract", soon + timedelta(days=90))
    planned = _pilot(WAIVED[0])  # at agreement: its plan is an annex of the agreement
    if planned is not None and planned.stage == "agreement":
        checklist.waive(planned.challenge.organisation.users[0], planned, WAIVED[1], WAIVED[2])
    meeting = _pilot("子育て支援アプリによる情報発信")
    if meeting is not None and meeting.is_open:
        checklist.set_due(meeting.challenge.organisation.users[0], meeting, "meeting_notes", soon)
