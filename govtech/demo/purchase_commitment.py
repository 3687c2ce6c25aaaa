"""Demo data for issue 17: commitments on the demo challenges and the towns' budget calendars.

Made through the services like a town's DX officer would. 由利本荘市 keeps its own calendar (an
earlier request deadline, a lower limit for commissioned work, the 第4号 certification), and
its MaaS pilot is planned to end after the request that funds its adoption year, so its pair
page and its officer's action list show the warning. 金沢市 has not filled in its
commitments: the programme office's filter 「約束が未記入」 finds them.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from govtech.demo.pipeline import _by_key, _challenge
from govtech.extensions import db
from govtech.models import Organisation
from govtech.models.enums import ProcurementRoute
from govtech.models.procurement import BudgetCalendar
from govtech.services import budget_calendar, challenges

CALENDAR: dict[str, Any] = {"request_month": 10, "request_day": 15, "council_start_month": 2,
            "council_start_day": 25, "council_end_month": 3, "council_end_day": 18,
            "other_sessions": [6, 9, 12], "certifies_new_business": True,
            "limits": {"other": 800_000, "purchase": 1_000_000}}

# (town key, challenge title, budget owner, route, criteria, KPIs, the fiscal year as years
#  after the next request deadline's (1: the year it funds; the adopted pair's is this year),
#  pilot end in days from the next request deadline)
COMMITMENTS = [
    ("saitama", "統計データのセルフサービス分析", "総務局 統計調査課", ProcurementRoute.proposal,
     "統計担当への集計依頼を半分以下にし、回答日数を3日以内にできれば全庁導入する。",
     ["集計依頼の回答日数", "自分で分析した職員"], 1, -150),
    ("saitama", "緊急時のテレワーク環境の整備", "総務局 デジタル改革推進部",
     ProcurementRoute.marketplace,
     "災害時に職員の8割が自宅から基幹業務を続けられることを訓練で確認できれば導入する。",
     ["在宅で業務を継続できた職員の割合", "接続トラブルの件数"], 2, -60),
    ("yurihonjo", "河川水位の見える化と防災情報の配信", "危機管理課", ProcurementRoute.certified,
     "しきい値超過から住民への通知まで10分以内、避難情報の到達率80%以上。",
     ["通知までの時間", "避難情報の到達率"], -1, -200),
    ("yurihonjo", "デマンド交通とMaaSによる移動手段の確保", "企画調整課 交通政策係",
     ProcurementRoute.proposal,
     "予約乗合の利用者が月300人を超え、通院の移動時間が40分以内になれば本格運行する。",
     ["予約乗合の利用者", "通院の片道移動時間"], 1, 45),
    ("fukui", "Teamsを活用した庁内コミュニケーション改革", "総務部 情報政策課",
     ProcurementRoute.proposal, "会議時間が週4時間以下になり、職員の7割が継続利用すれば導入する。",
     ["会議時間", "継続利用する職員の割合"], 1, -30),
]


def load() -> None:
    yurihonjo = _by_key("yurihonjo")
    if yurihonjo is None:
        return
    town = db.session.get(Organisation, yurihonjo.organisation_id)
    if town is not None and db.session.get(BudgetCalendar, town.id) is None:  # once
        budget_calendar.update(yurihonjo, town, **CALENDAR)
    this_year = budget_calendar.fiscal_year_of(budget_calendar.today())
    for key, title, owner, route, criteria, kpis, ahead, end_days in COMMITMENTS:
        actor, challenge = _by_key(key), _challenge(title)
        if actor is None or challenge is None or challenge.has_commitment:
            continue
        upcoming = budget_calendar.next_request_deadline(challenge.organisation)
        pilot_end = upcoming + timedelta(days=end_days)
        challenges.update(actor, challenge, expected_version=challenge.version,
                          budget_owner=owner, procurement_route=route, success_criteria=criteria,
                          success_kpis=kpis, adoption_fiscal_year=max(
                              this_year, upcoming.year + ahead),
                          pilot_start=challenge.pilot_start or pilot_end - timedelta(days=120),
                          pilot_end=pilot_end)
