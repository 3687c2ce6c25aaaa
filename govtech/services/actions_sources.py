"""Where 対応が必要なこと comes from: one LIMITed query per kind of thing, split by whose move.

Every query is bounded (a fixed number per role, each with a LIMIT) and eager-loads what the
items name, so the home page runs as many statements with ten pairs as with ten thousand.
Frozen pairs (a party suspended) are left out: nobody can act on them.
"""
from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from govtech import formatting
from govtech.extensions import db
from govtech.labels import stage_label
from govtech.models import (
    Challenge,
    MarketingActivity,
    MarketingState,
    Milestone,
    Organisation,
    OrgKind,
    OrgState,
    Pilot,
    PilotStage,
    Proposal,
    ProposalState,
    Recommendation,
    RecommendationState,
    User,
)
from govtech.models.base import utcnow
from govtech.models.pilot import FINAL_STAGES
from govtech.models.recommendation import PairInterest
from govtech.services import (
    access,
    actions_budget,
    actions_rating,
    challenges,
    pipeline_status,
    recommendations,
    workflow,
)
from govtech.services.actions_items import Action, Actions, pair_name

#: Rows read per source: enough for the page and its "N more", never the whole table.
LIMIT = 40
#: Milestones show up this many days before they are due (and stay while overdue).
MILESTONE_HORIZON = timedelta(days=14)
#: Recommended challenges show up this many days before their proposal deadline.
PROPOSAL_HORIZON = timedelta(days=14)
#: A pair this long in one stage is shown to the programme office as stuck.
STUCK_AFTER = timedelta(days=60)
#: The stage that follows each open stage on the way to adoption.
NEXT_STAGE = dict(zip(workflow.PILOT_PIPELINE, workflow.PILOT_PIPELINE[1:], strict=False))
_DECIDERS = workflow.PILOT_MOVERS[PilotStage.selected]


def _pilot_url(pilot_id: int, anchor: str = "") -> str:
    return url_for("pilots.show_pilot", pilot_id=pilot_id) + (f"#{anchor}" if anchor else "")


def _live_pairs(query: Select, user: User) -> Select:
    """Only the user's own pairs (all for managers) whose two parties are not suspended."""
    town, firm = aliased(Organisation), aliased(Organisation)
    return (query.join(town, town.id == Challenge.organisation_id)
            .join(firm, firm.id == Pilot.startup_id)
            .where(town.state == OrgState.approved, firm.state == OrgState.approved,
                   access.own_side(user, municipality=Challenge.organisation_id,
                                   startup=Pilot.startup_id)))


_PILOT_NAMES = (joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                joinedload(Pilot.startup))


# --- the sources ----------------------------------------------------------------------------

def _marketing(user: User, side: str, found: Actions) -> None:
    """Activities collecting approvals: the user's side has not approved (theirs to approve),
    or has and waits for the others."""
    missing = or_(*(getattr(MarketingActivity, f"{s}_approved_at").is_(None)
                    for s in ("municipality", "startup", "manager")))
    query = _live_pairs(
        select(MarketingActivity).join(MarketingActivity.pilot).join(Pilot.challenge), user)
    rows = db.session.scalars(
        query.where(MarketingActivity.state.in_([MarketingState.in_review,
                                                 MarketingState.published]), missing)
        .options(joinedload(MarketingActivity.pilot).joinedload(Pilot.challenge)
                 .joinedload(Challenge.organisation),
                 joinedload(MarketingActivity.pilot).joinedload(Pilot.startup))
        .order_by(MarketingActivity.planned_date, MarketingActivity.id).limit(LIMIT))
    for activity in rows.unique():
        item = Action("marketing_approval", _("“%(title)s” (%(pair)s)", title=activity.title,
                                               pair=pair_name(activity.pilot)),
                      _("Approve"), url_for("marketing.show_activity", activity_id=activity.id),
                      deadline=activity.planned_date, since=activity.updated_at,
                      pair=activity.pilot_id, deadline_label=_("Planned for"))
        if not activity.has_approval(side):
            item.note = _("Waits for your approval")
            found.mine.append(item)
        else:
            item.verb, item.kind = _("Open page"), "marketing_waiting"
            item.note = _("You approved; waiting for the other approvals")
            found.theirs.append(item)


def _proposals(user: User, found: Actions, *, reviewer: bool, states: list) -> None:
    """Active proposals: the reviewer's to read and decide, the applicant's to wait for."""
    town = aliased(Organisation)
    query = (select(Proposal).join(Proposal.challenge)
             .join(town, town.id == Challenge.organisation_id)
             .where(Proposal.state.in_(states), town.state == OrgState.approved,
                    access.own_side(user, municipality=Challenge.organisation_id,
                                    startup=Proposal.startup_id))
             .options(joinedload(Proposal.challenge).joinedload(Challenge.organisation),
                      joinedload(Proposal.startup))
             .order_by(Proposal.created_at, Proposal.id).limit(LIMIT))
    for proposal in db.session.scalars(query).unique():
        challenge = proposal.challenge
        title = _("Proposal from %(startup)s for %(town)s “%(challenge)s”",
                  startup=proposal.startup.name, town=challenge.organisation.name,
                  challenge=challenge.title)
        url = url_for("proposals.show_proposal", proposal_id=proposal.id)
        due = _("Proposal deadline")
        if reviewer:
            note = (_("Shortlisted: accept or decline") if
                    proposal.state == ProposalState.shortlisted else _("New proposal"))
            found.mine.append(Action("proposal_review", title, _("Review the proposal"), url,
                                     deadline=challenge.deadline, since=proposal.created_at,
                                     note=note, deadline_label=due))
        else:
            found.theirs.append(Action("proposal_waiting", title, _("Open page"), url,
                                       deadline=challenge.deadline, since=proposal.created_at,
                                       note=_("Waiting for the municipality's review"),
                                       deadline_label=due))


def _pilots(user: User, side: str, found: Actions) -> None:
    """Open pairs: whose move the next stage is (workflow.PILOT_MOVERS), and the results report
    that must be written before a pair leaves evaluation (both sides write it)."""
    query = _live_pairs(select(Pilot).join(Pilot.challenge), user)
    rows = db.session.scalars(
        query.where(Pilot.stage.not_in(FINAL_STAGES)).options(*_PILOT_NAMES)
        .order_by(Pilot.stage_entered_at, Pilot.id).limit(LIMIT))
    for pilot in rows.unique():
        name, since = pair_name(pilot), pilot.stage_entered_at
        if pilot.stage == PilotStage.evaluation and not pilot.has_report:
            found.mine.append(Action("report_due", _("Results report of %(pair)s", pair=name),
                                     _("Write the report"), _pilot_url(pilot.id, "report"),
                                     since=since, pair=pilot.id,
                                     note=_("Needed before the pair can leave evaluation")))
            continue
        following = NEXT_STAGE.get(pilot.stage)
        if following is None:
            continue
        if pipeline_status.waits_on(pilot) == pipeline_status.OFFICE:  # e.g. just introduced
            found.theirs.append(Action(
                "pilot_waiting", name, _("Open page"), _pilot_url(pilot.id), since=since,
                pair=pilot.id, note=pipeline_status.side_label(pipeline_status.OFFICE)))
            continue
        deciders_only = workflow.PILOT_MOVERS[following] == _DECIDERS
        ours = (side == access.MUNICIPALITY) == deciders_only
        note = _("Next: %(stage)s", stage=stage_label(following))
        if ours:
            verb = _("Decide") if deciders_only else _("Move forward")
            found.mine.append(Action("pilot_step", name, verb, _pilot_url(pilot.id, "move"),
                                     since=since, pair=pilot.id, note=note))
        else:
            found.theirs.append(Action("pilot_waiting", name, _("Open page"), _pilot_url(pilot.id),
                                       since=since, pair=pilot.id, note=note))


def _milestones(user: User, found: Actions) -> None:
    """Open milestones of the user's open pairs, due within two weeks or overdue."""
    query = _live_pairs(select(Milestone).join(Milestone.pilot).join(Pilot.challenge), user)
    rows = db.session.scalars(
        query.where(Milestone.is_done.is_(False), Milestone.due_date.is_not(None),
                    Milestone.due_date <= challenges.today() + MILESTONE_HORIZON,
                    Pilot.stage.not_in(FINAL_STAGES))
        .options(joinedload(Milestone.pilot).joinedload(Pilot.challenge)
                 .joinedload(Challenge.organisation),
                 joinedload(Milestone.pilot).joinedload(Pilot.startup))
        .order_by(Milestone.due_date, Milestone.id).limit(LIMIT))
    for milestone in rows.unique():
        found.mine.append(Action(
            "milestone_due", _("Milestone “%(title)s” (%(pair)s)", title=milestone.title,
                               pair=pair_name(milestone.pilot)),
            _("Check"), _pilot_url(milestone.pilot_id, "milestones"),
            deadline=milestone.due_date, pair=milestone.pilot_id, deadline_label=_("Due")))


def _calls_closing(user: User, found: Actions) -> None:
    """A startup's recommended challenges whose proposal deadline is near (the pairs it has
    already proposed to, or is piloting with, are not recommended any more)."""
    today = challenges.today()
    rows = db.session.scalars(
        recommendations.visible_query(user)
        .where(Challenge.deadline.is_not(None), Challenge.deadline >= today,
               Challenge.deadline <= today + PROPOSAL_HORIZON)
        .order_by(None).order_by(Challenge.deadline, Recommendation.id).limit(5))
    for rec in rows.unique():
        challenge = rec.challenge
        found.mine.append(Action(
            "proposal_invited", _("%(town)s “%(challenge)s” (recommended)",
                                  town=challenge.organisation.name, challenge=challenge.title),
            _("Propose for this challenge"),
            url_for("proposals.new_proposal", challenge_id=challenge.id),
            deadline=challenge.deadline, since=rec.created_at,
            deadline_label=_("Proposal deadline"),
            note=_("Recommended to you; the call closes soon")))


def _interest(query: Select, side: str | None = None) -> Select:
    """Pairs someone said 関心あり about (`side`: only the user's own side's interest)."""
    asked = select(PairInterest.id).where(
        PairInterest.challenge_id == Recommendation.challenge_id,
        PairInterest.startup_id == Recommendation.startup_id)
    if side is not None:
        asked = asked.where(PairInterest.side == side)
    return (query.where(exists(asked)).order_by(None)
            .order_by(Recommendation.created_at, Recommendation.id).limit(LIMIT))


def _rec_name(rec: Recommendation) -> str:
    return _("%(town)s “%(challenge)s” × %(startup)s", town=rec.challenge.organisation.name,
             challenge=rec.challenge.title, startup=rec.startup.name)


def _asked_introductions(user: User, side: str, found: Actions) -> None:
    """The pairs this side said 関心あり about: the programme office is to introduce them."""
    for rec in db.session.scalars(_interest(recommendations.visible_query(user), side)).unique():
        found.theirs.append(Action(
            "rec_interest_waiting", _rec_name(rec), _("Open page"),
            url_for("recommendations.list_recommendations"), since=rec.created_at,
            note=_("You asked for an introduction; the programme office will be in touch")))


# --- per role ----------------------------------------------------------------------------------

def for_party(user: User, found: Actions) -> None:
    """A municipality or startup member: their pairs, proposals and marketing."""
    side = (access.MUNICIPALITY if access.acts_for_kind(user, OrgKind.municipality)
            else access.STARTUP)
    town = side == access.MUNICIPALITY
    _proposals(user, found, reviewer=town,
               states=[ProposalState.submitted, ProposalState.shortlisted])
    _marketing(user, side, found)
    _pilots(user, side, found)
    _milestones(user, found)
    _asked_introductions(user, side, found)
    actions_budget.add(user, side, found)
    actions_rating.add(user, side, found)
    if not town:
        _calls_closing(user, found)
    found.links = [(_("All proposals"), url_for("proposals.list_proposals")),
                   (_("Pipeline board"), url_for("pilots.board")),
                   (_("All marketing"), url_for("marketing.list_activities"))]


def for_manager(user: User, found: Actions) -> None:
    """The programme office: organisations to approve, pairs to review and introduce, marketing
    to approve, new proposals; and the pairs stuck on the parties' side."""
    pending_url = url_for("admin.organisations", state="pending")
    for org in db.session.scalars(select(Organisation).where(Organisation.state == OrgState.pending)
                                  .order_by(Organisation.created_at, Organisation.id)
                                  .limit(LIMIT)):
        found.mine.append(Action("org_approval", _("%(org)s asks to join", org=org.name),
                                 _("Approve"), f"{pending_url}#org-{org.id}",
                                 since=org.created_at,
                                 note=_("Organisation awaiting approval")))
    suggested = recommendations.visible_query(
        user, recommendations.Filters(state=RecommendationState.suggested))
    waiting = db.session.scalar(select(func.count()).select_from(
        suggested.order_by(None).subquery())) or 0
    review_url = url_for("recommendations.list_recommendations", sort="interest")
    for rec in db.session.scalars(_interest(suggested)).unique():
        found.mine.append(Action(
            "rec_interest", _rec_name(rec), _("Introduce"), f"{review_url}#rec-{rec.id}",
            since=rec.created_at,
            note=_("A party said it is interested: introduce the pair or say why not")))
    if waiting:
        found.mine.append(Action(
            "rec_review", _("Recommended pairs to review: %(n)s", n=formatting.number(waiting)),
            _("Introduce"), url_for("recommendations.list_recommendations"), count=waiting,
            note=_("Introduce the good pairs, reject the others with a reason")))
    _marketing(user, access.MANAGER, found)
    _proposals(user, found, reviewer=True, states=[ProposalState.submitted])
    _office_moves(user, found)
    _stuck(user, found)
    found.links = [(_("Organisations"), pending_url),
                   (_("Review recommendations"), url_for("recommendations.list_recommendations")),
                   (_("All marketing"), url_for("marketing.list_activities")),
                   (_("Pipeline board"), url_for("pilots.board"))]


def _office_side() -> ColumnElement[bool]:
    """Open pairs whose next move is the office's (pipeline_status.waits_on == office); the
    pairs read here are never frozen (_live_pairs), so only their stage and report count."""
    return pipeline_status.waiting_on_sql(
        pipeline_status.OFFICE, stage=Pilot.stage,
        has_report=pipeline_status.report_written_sql(), frozen=false())


def _office_moves(user: User, found: Actions) -> None:
    """Pairs waiting on the office itself, e.g. one it introduced whose first meeting it has
    to set up (紹介後の初回面談を設定する), with the pair's next step and its due date."""
    query = _live_pairs(select(Pilot).join(Pilot.challenge), user)
    rows = db.session.scalars(
        query.where(Pilot.stage.not_in(FINAL_STAGES), _office_side())
        .options(*_PILOT_NAMES, selectinload(Pilot.milestones), selectinload(Pilot.kpis))
        .order_by(Pilot.stage_entered_at, Pilot.id).limit(LIMIT))
    for pilot in rows.unique():
        step = pipeline_status.next_step(pilot)
        found.mine.append(Action(
            "pilot_office_step", pair_name(pilot), pipeline_status.move_text(pilot.stage),
            _pilot_url(pilot.id, "milestones"), deadline=step.due,
            since=pilot.stage_entered_at, pair=pilot.id, note=step.text,
            deadline_label=_("Due") if step.due else ""))


def _stuck(user: User, found: Actions) -> None:
    """Pairs long in one stage on the parties' side: the office follows them up with them."""
    since = utcnow() - STUCK_AFTER
    query = _live_pairs(select(Pilot).join(Pilot.challenge), user)
    rows = db.session.scalars(
        query.where(Pilot.stage.not_in(FINAL_STAGES), Pilot.stage_entered_at < since,
                    ~_office_side())
        .options(*_PILOT_NAMES).order_by(Pilot.stage_entered_at, Pilot.id).limit(LIMIT))
    for pilot in rows.unique():
        found.theirs.append(Action(
            "pilot_stuck", pair_name(pilot), _("Open page"), _pilot_url(pilot.id),
            since=pilot.stage_entered_at, pair=pilot.id,
            note=_("Long in stage %(stage)s", stage=stage_label(pilot.stage))))

