"""Demo data for issue 17: the catalogue's solutions and ratings.

The pipeline's adopted pair (由利本荘市 × Momo) already has its solution (services.pilots.move
made it); older adopted pilots get theirs through `catalogue.backfill`. So that the catalogue
shows what other towns would use — one solution in two towns, another town, routes, costs,
ratings with their count, and a six-month rating that is due — two more pairs adopted months
ago are added. Their journeys are history (demo only: written as rows with their past dates,
as pipeline._spread_history does), and the ratings are given through services.ratings by the
adopting towns. A pair that already exists is left alone, so loading twice changes nothing.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from govtech.demo.pipeline import DAYS, _by_key, _challenge
from govtech.extensions import db
from govtech.models import Challenge, ChallengeState, HistoryEvent, Pilot, PilotKPI, PilotStage
from govtech.models.base import utcnow
from govtech.models.procurement import SolutionRating
from govtech.services import catalogue, challenges, ratings, workflow

# (town key, challenge (title, summary, categories, tags, budget 万円, route), startup key,
#  days since adoption, pilot cost, annual cost in yen, KPIs (name, unit, base, target, actual),
#  report (verified, learned, changed, decision))
EXTRA = [
    ("kanazawa", ("用水路の水位監視による浸水対策",
                  "大雨のときに市街地の用水路があふれる前に、住民と職員へ知らせたい。",
                  ["disaster", "infrastructure"], ["防災", "IoT", "用水路"], (100, 400),
                  "small_amount"), "momo", 230, 600_000, 2_400_000,
     [("あふれる前に通知できた件数", "件", 0, 5, 7), ("夜間の巡回回数", "回/月", 12, 6, 4)],
     ("用水路8か所の水位を遠隔で把握し、あふれる30分前に通知できた。",
      "センサーの設置場所は、ごみが溜まりにくい位置を選ぶ必要がある。",
      "夜間の巡回が減り、職員の負担が軽くなった。",
      "少額随意契約で市内全域の用水路に広げて本格導入する。")),
    ("fukui", ("県民の意見を集めるオンライン投票",
               "政策づくりに、県民の声をスマートフォンで気軽に集めたい。",
               ["participation"], ["住民参加", "投票", "アンケート"], (100, 300), "proposal"),
     "votefor", 210, 0, 1_500_000,
     [("投票に参加した県民", "人", 800, 3000, 4200), ("10〜30代の参加割合", "%", 12, 30, 41)],
     ("3つの政策テーマで投票を行い、4,200人が参加した。",
      "若い世代はスマートフォンからの参加が多く、紙のアンケートより回答が集まる。",
      "政策の優先順位を決める会議で、投票結果を資料として使うようになった。",
      "公募型プロポーザルを経て、全庁の意見募集に本格導入する。")),
]

# (town key, challenge title, startup key, occasion, fit, support, price, results, comment)
RATINGS = [
    ("yurihonjo", "河川水位の見える化と防災情報の配信", "momo", "at_adoption", 5, 4, 4, 5,
     "設置後のしきい値の調整にも素早く対応してもらえた。"),
    ("kanazawa", "用水路の水位監視による浸水対策", "momo", "at_adoption", 4, 5, 4, 4,
     "職員の夜間巡回が減った。電池交換の手順も分かりやすい。"),
    ("fukui", "県民の意見を集めるオンライン投票", "votefor", "at_adoption", 4, 4, 5, 4, ""),
    ("fukui", "県民の意見を集めるオンライン投票", "votefor", "six_months", 5, 4, 5, 4,
     "半年で3回の意見募集に使い、若い世代の参加が定着した。"),
]


def _history(pilot: Pilot, town_user, startup_user, manager, adopted_days_ago: int) -> None:
    """The pair's journey from introduction to adoption, dated back from its adoption."""
    stages = workflow.PILOT_PIPELINE
    when = utcnow() - timedelta(days=adopted_days_ago)
    stamps = [when]
    for stage in reversed(stages[:-1]):
        when = when - timedelta(days=DAYS.get(stage, 10))
        stamps.append(when)
    stamps.reverse()
    previous = None
    for stage, stamp in zip(stages, stamps, strict=True):
        actor = town_user if stage in ("adopted", "agreement") else (
            startup_user if stage in ("meeting", "proposal") else manager)
        db.session.add(HistoryEvent(entity_type="pilot", entity_id=pilot.id, actor_id=actor.id,
                                    from_state=previous, to_state=stage, created_at=stamp))
        previous = stage
    pilot.started_at, pilot.stage_entered_at, pilot.closed_at = stamps[0], stamps[-1], stamps[-1]


def _extra_pairs() -> None:
    manager = _by_key("manager")
    for (town_key, spec, startup_key, days_ago, pilot_cost, annual_cost, kpis,
         report) in EXTRA:
        title, summary, categories, tags, budget, route = spec
        town_user, startup_user = _by_key(town_key), _by_key(startup_key)
        if manager is None or town_user is None or startup_user is None or _challenge(title):
            continue
        challenge = challenges.create(town_user, title=title, summary=summary,
                                      description=summary, categories=categories, tags=tags,
                                      budget_min=budget[0], budget_max=budget[1],
                                      desired_outcome="", deadline=None)
        for target in ("open", "closed"):
            challenges.transition(town_user, challenge, ChallengeState(target))
        db.session.execute(update(Challenge).where(Challenge.id == challenge.id)
                           .values(procurement_route=route))
        verified, learned, changed, decision = report
        pilot = Pilot(challenge_id=challenge.id, startup_id=startup_user.organisation_id,
                      stage=PilotStage.adopted, verified=verified, learned=learned,
                      changed=changed, adoption_decision=decision, pilot_cost=pilot_cost,
                      annual_cost=annual_cost,
                      kpis=[PilotKPI(name=n, unit=u, baseline=b, target=t, actual=a)
                            for n, u, b, t, a in kpis])
        db.session.add(pilot)
        db.session.flush()
        _history(pilot, town_user, startup_user, manager, days_ago)
        db.session.commit()


def _ratings() -> None:
    for town_key, title, startup_key, occasion, fit, support, price, results, comment in RATINGS:
        challenge, town_user, startup_user = _challenge(title), _by_key(town_key), _by_key(
            startup_key)
        if challenge is None or town_user is None or startup_user is None:
            continue
        pilot = db.session.scalar(select(Pilot).where(
            Pilot.challenge_id == challenge.id, Pilot.startup_id == startup_user.organisation_id,
            Pilot.stage == PilotStage.adopted))
        if pilot is None or pilot.solution_id is None or db.session.scalar(
                select(SolutionRating.id).where(SolutionRating.pilot_id == pilot.id,
                                                SolutionRating.occasion == occasion)):
            continue
        start = ratings.opens_on(pilot, ratings.RatingOccasion(occasion))
        if start is not None and start > challenges.today():
            continue
        ratings.rate(town_user, pilot, occasion, fit=fit, support=support, price=price,
                     results=results, comment=comment)


def load() -> None:
    _extra_pairs()
    catalogue.backfill(None)  # every adopted pilot joins its startup's solution
    _ratings()
