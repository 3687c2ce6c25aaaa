"""Joint marketing (共同マーケティング): a pair's press releases, case studies and events.

An activity is written by the pair, reviewed, and approved by three sides — the municipality, the
startup and the programme office — before it may be published. Each side's approval is kept
separately; the third one moves the activity to `approved` by itself. Any side may send it back
with a comment, and editing the reviewed text clears the approvals given so far. Only the two
parties and managers ever see an activity; the public sees published public case studies only
(services.cases).

A case study publishes the pilot's KPIs as a snapshot taken when the third approval lands; the
public page shows only that snapshot. When the KPIs change afterwards, the page says so and any
side may `refresh_figures`, which clears the approvals: an approved activity goes back to review;
a published one stays published with its old snapshot until all three have approved the new
figures, and the third approval replaces it. A KPI change while approvals are being collected
clears them too (services.kpis), so a snapshot is always figures all three approved.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import (
    HistoryEvent,
    MarketingActivity,
    MarketingKind,
    MarketingState,
    Pilot,
    User,
)
from govtech.models.base import utcnow
from govtech.models.marketing import APPROVAL_SIDES, kpi_figures
from govtech.services import (
    access,
    history,
    notifications,
    pilots,
    transaction,
    workflow,
)
from govtech.services.errors import DomainError

EDITABLE = ("kind", "title", "body", "planned_date", "is_public")
# What the three sides approved: changing any of these asks them again (a new date does not).
REVIEWED = ("kind", "title", "body", "is_public")
S = MarketingState
_STALE = _l("Someone else changed this activity while you were looking at it. Reload the page "
            "to see its current state.")


# --- access ------------------------------------------------------------------------------------

def side(user: User | None, activity: MarketingActivity) -> str | None:
    """municipality, startup or manager: whose approval this user gives; None for outsiders."""
    return pilots.side(user, activity.pilot)


def can_see(user: User | None, activity: MarketingActivity) -> bool:
    return side(user, activity) is not None


def get_visible(user: User | None, activity_id: int) -> MarketingActivity:
    """The activity for the pair's parties and managers; for anyone else it does not exist."""
    activity = db.session.get(MarketingActivity, activity_id)
    return access.visible_or_404(activity, activity is not None and can_see(user, activity),
                                 _("This marketing activity does not exist."))


def timeline(user: User | None, activity: MarketingActivity) -> list[HistoryEvent]:
    """The activity's history, oldest first, for the pair's parties and managers."""
    access.visible_or_404(activity, can_see(user, activity),
                          _("This marketing activity does not exist."))
    return history.timeline("marketing", activity.id)


def _require_side(actor: User, activity: MarketingActivity) -> str:
    pilot = activity.pilot
    who = access.require_party(actor, pilot.challenge.organisation_id, pilot.startup_id,
                               _("Only the two parties and the programme office can change "
                                 "this marketing activity."))
    workflow.require_not_frozen(pilot)
    return who


# --- writing -----------------------------------------------------------------------------------

def _validate(values: dict) -> None:
    if values.get("kind") not in MarketingKind.__members__:
        raise DomainError(_("Choose a kind of activity."), field="kind")
    if not (values.get("title") or "").strip():
        raise DomainError(_("Give the activity a title."), field="title")


@transaction.unit_of_work(_STALE)
def create(actor: User, pilot: Pilot, **values) -> MarketingActivity:
    """Plan a new activity for the pair; either party or a manager may."""
    access.require_party(actor, pilot.challenge.organisation_id, pilot.startup_id,
                         _("Only the two parties and the programme office can plan marketing "
                           "for this pair."))
    workflow.require_not_frozen(pilot)
    _validate(values)
    activity = MarketingActivity(
        pilot=pilot, state=S.planned, created_by_id=actor.id,
        kind=MarketingKind(values["kind"]), title=values["title"].strip(),
        body=values.get("body") or "", planned_date=values.get("planned_date"),
        is_public=bool(values.get("is_public")))
    db.session.add(activity)
    db.session.flush()
    history.record("marketing", activity.id, actor, None, S.planned)
    return activity


@transaction.unit_of_work(_STALE)
def update(actor: User, activity: MarketingActivity, expected_version: int | None,
           **values) -> MarketingActivity:
    """Save edits. Changing the reviewed text clears the approvals given so far; an approved
    activity whose text changes goes back to review, so nothing unapproved gets published."""
    _require_side(actor, activity)
    if not activity.is_open:
        raise DomainError(_("A published or cancelled activity can no longer be edited."))
    transaction.check_version(activity, expected_version)
    merged = {key: getattr(activity, key) for key in EDITABLE} | {
        k: v for k, v in values.items() if k in EDITABLE}
    merged["title"] = (merged.get("title") or "").strip()
    merged["body"] = merged.get("body") or ""
    merged["is_public"] = bool(merged.get("is_public"))
    _validate(merged)
    merged["kind"] = MarketingKind(merged["kind"])
    changed = any(merged[key] != getattr(activity, key) for key in REVIEWED)
    for key in EDITABLE:
        setattr(activity, key, merged[key])
    if changed and activity.approval_count:
        activity.clear_approvals()
        if activity.state == S.approved:
            activity.state = S.in_review
            history.record("marketing", activity.id, actor, S.approved, S.in_review,
                           _("The text changed after approval; the approvals were cleared."))
            _after_review_requested(activity)
    return activity


def missing_sides(activity: MarketingActivity) -> list[str]:
    """The sides whose approval is still needed, in a fixed order."""
    return [who for who in APPROVAL_SIDES if not activity.has_approval(who)]


def may_approve(user: User | None, activity: MarketingActivity) -> bool:
    who = side(user, activity)
    return (activity.collecting_approvals and who is not None and not activity.has_approval(who)
            and not workflow.frozen(activity.pilot))


@transaction.unit_of_work(_STALE)
def approve(actor: User, activity: MarketingActivity,
            expected_version: int | None = None) -> MarketingActivity:
    """Give the actor's side's approval; the last of the three takes the snapshot of the KPIs
    and makes the activity approved (a published one keeps its state, with the new figures)."""
    who = _require_side(actor, activity)
    if not activity.collecting_approvals:
        raise DomainError(_("Only an activity in review can be approved."))
    if activity.has_approval(who):
        raise DomainError(_("Your side has already approved this activity."))
    transaction.check_version(activity, expected_version)
    setattr(activity, f"{who}_approved_by", actor)  # the object: read by _after_update
    setattr(activity, f"{who}_approved_at", utcnow())
    if missing_sides(activity):
        return activity
    if activity.publishes_figures:
        activity.kpi_snapshot = kpi_figures(activity.pilot.kpis)
        activity.kpi_snapshot_at = utcnow()
    if activity.state == S.published:
        history.record("marketing", activity.id, actor, S.published, S.published,
                       _("The new figures were approved by all three sides and are now on the "
                         "public page."))
    else:
        activity.state = S.approved
        history.record("marketing", activity.id, actor, S.in_review, S.approved,
                       _("Approved by the municipality, the startup and the programme office."))
    _after_update(activity, actor)
    return activity


@transaction.unit_of_work(_STALE)
def refresh_figures(actor: User, activity: MarketingActivity,
                    expected_version: int | None = None) -> MarketingActivity:
    """Ask the three sides to approve the pilot's current KPIs for an approved or published case
    study whose figures changed since approval (see the module's docstring for the rule)."""
    _require_side(actor, activity)
    if not activity.figures_changed:
        raise DomainError(_("The figures have not changed since they were approved."))
    transaction.check_version(activity, expected_version)
    previous = activity.state
    activity.clear_approvals()
    if previous == S.approved:
        activity.state = S.in_review
    history.record("marketing", activity.id, actor, previous, activity.state,
                   _("The KPIs changed after approval; all three sides are asked to approve the "
                     "new figures."))
    _after_review_requested(activity)
    return activity


def _check_move(who: str, activity: MarketingActivity, target: S, note: str) -> None:
    if target == S.approved:
        raise DomainError(_("An activity is approved when all three sides have approved it."))
    if target == S.in_review and activity.state == S.approved:
        raise DomainError(_("An approved activity goes back to review only when its text "
                            "changes."))
    if target == S.in_review and not (activity.title.strip() and activity.body.strip()):
        raise DomainError(_("Write the text before asking for review."), field="body")
    if activity.state == S.in_review and target == S.drafting and not note.strip():
        raise DomainError(_("Say what should change when sending it back."), field="note")


def may_move(user: User | None, activity: MarketingActivity, target: str) -> bool:
    """Whether `transition` would accept this target from this user (ignoring the comment)."""
    who = side(user, activity)
    if who is None or target not in workflow.MARKETING.get(activity.state, frozenset()) \
            or workflow.frozen(activity.pilot):
        return False
    try:
        _check_move(who, activity, S(target), note="-")
    except DomainError:
        return False
    return True


def allowed_targets(user: User | None, activity: MarketingActivity) -> list[str]:
    """The moves to offer this user, forward first, cancelling last."""
    order = [S.drafting, S.in_review, S.published, S.cancelled]
    return [target.value for target in order if may_move(user, activity, target)]


@transaction.unit_of_work(_STALE)
def transition(actor: User, activity: MarketingActivity, target: str, note: str = "",
               expected_version: int | None = None) -> MarketingActivity:
    """Start drafting, ask for review, send back (with a comment), publish or cancel, with its
    history event. Sending back clears the approvals: the text is going to change."""
    if target not in S.__members__:
        raise DomainError(_("Unknown state."))
    target_state = S(target)
    who = _require_side(actor, activity)
    workflow.check(workflow.MARKETING, activity.state, target_state)
    _check_move(who, activity, target_state, note)
    transaction.check_version(activity, expected_version)
    previous = activity.state
    if previous == S.in_review and target_state == S.drafting:
        activity.clear_approvals()
    if target_state == S.published:
        activity.published_at = utcnow()
    activity.state = target_state
    history.record("marketing", activity.id, actor, previous, target_state, note.strip())
    if target_state == S.in_review:
        _after_review_requested(activity)
    elif target_state == S.published:
        _after_update(activity, actor)
    return activity


# --- who is told -------------------------------------------------------------------------------

def reviewers(activity: MarketingActivity) -> list[User]:
    """Everyone who could still give a missing approval."""
    missing = missing_sides(activity)
    people: list[User] = []
    if "municipality" in missing:
        people += notifications.members(activity.pilot.challenge.organisation_id)
    if "startup" in missing:
        people += notifications.members(activity.pilot.startup_id)
    if "manager" in missing:
        people += notifications.managers()
    return people


def _after_review_requested(activity: MarketingActivity) -> None:
    """The sides that still have to approve are asked to."""
    notifications.notify(reviewers(activity), "marketing_review",
                         url=f"/marketing/{activity.id}", title=activity.title)


def _after_update(activity: MarketingActivity, actor: User) -> None:
    """Both parties (and the approving manager) hear that it was approved or published."""
    people = [u for org_id in (activity.pilot.startup_id, activity.pilot.challenge.organisation_id)
              for u in notifications.members(org_id)]
    if activity.manager_approved_by is not None:
        people.append(activity.manager_approved_by)
    notifications.notify([u for u in people if u.id != actor.id], "marketing_update",
                         url=f"/marketing/{activity.id}", title=activity.title,
                         state=activity.state.value)


# --- reading -----------------------------------------------------------------------------------

def for_pilot(user: User | None, pilot: Pilot) -> list[MarketingActivity]:
    """The pair's activities for its page (empty for anyone who may not see the pair)."""
    if pilots.side(user, pilot) is None:
        return []
    return list(db.session.scalars(
        select(MarketingActivity).where(MarketingActivity.pilot_id == pilot.id)
        .order_by(MarketingActivity.planned_date.is_(None), MarketingActivity.planned_date,
                  MarketingActivity.id)))
