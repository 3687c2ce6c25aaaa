"""Notifications: in-app for everything that needs someone's action, mail by each user's choice.

A notification is stored as a kind and its parameters and worded when it is shown, so each
person reads it in their own language. Per kind, a user chooses immediate mail, a daily or a
weekly digest; the digest command mails only what is unsent, and never an empty digest.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import joinedload

from govtech import labels, mail, security
from govtech.extensions import db
from govtech.models import (
    Challenge,
    DigestFrequency,
    MarketingActivity,
    Notification,
    NotificationPreference,
    Pilot,
    Proposal,
    User,
)
from govtech.models.base import utcnow
from govtech.services import access, transaction
from govtech.services.actions_items import pair_name
from govtech.services.errors import DomainError

# kind → (label for the settings page, message with %(…)s parameters)
KINDS: dict[str, tuple[object, object]] = {
    "org_pending": (_l("New organisations to approve"),
                    _l("%(org)s has signed up and waits for approval.")),
    "org_decided": (_l("Your organisation's approval"),
                    _l("Your organisation %(org)s is now: %(state)s.")),
    "introduced": (_l("Introductions"),
                   _l("The programme office introduced %(startup)s and %(town)s for "
                      "“%(challenge)s”.")),
    "proposal_received": (_l("Proposals to your challenges"),
                          _l("%(startup)s sent a proposal for “%(challenge)s”.")),
    "proposal_decided": (_l("Decisions on your proposals"),
                         _l("Your proposal for “%(challenge)s” is now: %(state)s.")),
    "pilot_moved": (_l("Pilot stages"),
                    _l("“%(challenge)s” × %(startup)s moved to: %(stage)s.")),
    "marketing_review": (_l("Marketing to review"),
                         _l("“%(title)s” waits for your approval.")),
    "marketing_update": (_l("Marketing updates"),
                         _l("“%(title)s” is now: %(state)s.")),
    "pair_interest": (_l("Interest in recommended pairs"),
                      _l("%(who)s is interested in %(town)s “%(challenge)s” × %(startup)s and "
                         "would like an introduction.")),
}
# How often a kind is mailed until the user chooses (otherwise at once): a party's 関心あり is a
# signal for the office's review list, so a daily digest is enough.
DEFAULT_FREQUENCY: dict[str, DigestFrequency] = {"pair_interest": DigestFrequency.daily}


def message(note: Notification) -> str:
    """The notification in the current language."""
    _label, text = KINDS.get(note.kind, ("", note.kind))
    params = dict(note.params)
    if "state" in params:
        params["state"] = labels.state_label(params["state"])
    if "stage" in params:
        params["stage"] = labels.stage_label(params["stage"])
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):
        return str(text)


def frequency(user: User, kind: str) -> DigestFrequency:
    chosen = db.session.scalar(select(NotificationPreference.frequency).filter_by(
        user_id=user.id, kind=kind))
    return DigestFrequency(chosen) if chosen else _default(kind)


def _default(kind: str) -> DigestFrequency:
    return DEFAULT_FREQUENCY.get(kind, DigestFrequency.immediate)


def notify(recipients: Iterable[User], kind: str, url: str = "", **params) -> list[Notification]:
    """Tell these users; mail at once those who chose immediate mail for this kind.

    Adds to the caller's unit of work, so the cause and its notification are stored together;
    the mail goes out only once both are committed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    notes = []
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen:
            continue
        seen.add(user.id)
        note = Notification(user_id=user.id, kind=kind, params=params, url=url)
        db.session.add(note)
        notes.append((user, note))
    immediate = [(user, note) for user, note in notes
                 if frequency(user, kind) == DigestFrequency.immediate]
    if immediate:
        transaction.after_commit(lambda: _mail_each(immediate))
    return [note for _user, note in notes]


@transaction.unit_of_work()
def _mail_each(pairs: list[tuple[User, Notification]]) -> None:
    for user, note in pairs:
        _mail(user, [note])


def _mail(user: User, notes: list[Notification], digest: str = "") -> None:
    with force_locale(user.locale or "ja"):
        items = [{"text": message(n), "url": security.external_path(n.url)} for n in notes]
        subject = (_("Your %(period)s digest: %(n)d updates", period=_period(digest),
                     n=len(notes)) if digest else items[0]["text"])
        mail.send(user.email, subject, render_template("emails/notifications.txt", user=user,
                                                       items=items, digest=digest))
    stamp = utcnow()
    for note in notes:
        note.emailed_at = stamp


def _period(digest: str) -> str:
    return _("daily") if digest == "daily" else _("weekly")


@transaction.unit_of_work()
def send_digests(period: str) -> int:
    """Mail each user the unsent notifications of the kinds they get as a `period` digest.

    Returns how many digests were sent; a user with nothing new gets nothing.
    """
    if period not in (DigestFrequency.daily, DigestFrequency.weekly):
        raise DomainError(_("Unknown digest period."))
    since = utcnow() - timedelta(days=1 if period == DigestFrequency.daily else 7)
    prefs = db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind)
                               .where(NotificationPreference.frequency == period)).all()
    by_user: dict[int, set[str]] = {}
    for user_id, kind in prefs:
        by_user.setdefault(user_id, set()).add(kind)
    sent = 0
    for user_id, kinds in by_user.items():
        notes = list(db.session.scalars(
            select(Notification).where(Notification.user_id == user_id,
                                        Notification.kind.in_(kinds),
                                        Notification.emailed_at.is_(None),
                                        Notification.created_at >= since)
            .order_by(Notification.created_at)))
        if notes:
            _mail(db.session.get_one(User, user_id), notes, digest=period)
            sent += 1
    return sent


# --- the user's side --------------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def list_query(user: User, only_urls: Iterable[str] | None = None
               ) -> Select[tuple[Notification]]:
    """The user's notifications, newest first; with `only_urls`, only those that point to one of
    these pages (the 要対応 filter: the pages of the user's action list)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if only_urls is not None:
        query = query.where(Notification.url.in_(sorted(set(only_urls))))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


# An anchor that names the subject itself (one organisation on the approval list, one pair on the
# review list): kept, so a notification needs action only while its own subject still waits,
# not while any other on the same page does.
_OWN_SUBJECT = re.compile(r"#(org|rec)-\d+$")


def page_of(url: str) -> str:
    """The page an address names, without its #anchor (an action's url → a notification's),
    unless the anchor names the subject (#org-12): that stays part of the address."""
    return url if _OWN_SUBJECT.search(url) else url.split("#", 1)[0]


# --- grouped by pairing ------------------------------------------------------------------------

_SUBJECT = re.compile(r"^/(pilots|marketing|proposals)/(\d+)(?:[/?#]|$)")


@dataclass
class Group:
    """Notifications about one pair (pilot), newest first; `pair` is None for one on its own."""

    pair: int | None = None
    title: str = ""
    url: str = ""
    items: list[dict] = field(default_factory=list)  # shown
    earlier: list[dict] = field(default_factory=list)  # older stage moves, folded
    verb: str = ""  # the pair's own action (on its page), shown once on the group
    to: str = ""


def _subjects(notes: Iterable[Notification]) -> dict[str, dict[int, list[int]]]:
    """The pilots, marketing activities and proposals the notifications point to, by id."""
    found: dict[str, dict[int, list[int]]] = {"pilots": {}, "marketing": {}, "proposals": {}}
    for note in notes:
        match = _SUBJECT.match(note.url or "")
        if match:
            found[match[1]].setdefault(int(match[2]), []).append(note.id)
    return found


def pairs_of(user: User, notes: list[Notification]) -> dict[int, Pilot]:
    """Each notification's pair (note id → pilot), read from the address it stores: a pilot's
    page, a marketing activity's (its pilot), a proposal's (its pair's pilot, if one exists).
    At most three statements whatever the number of notifications; only the user's own pairs."""
    subjects = _subjects(notes)
    pilot_of: dict[int, int] = {}  # note id → pilot id
    for pilot_id, note_ids in subjects["pilots"].items():
        pilot_of.update(dict.fromkeys(note_ids, pilot_id))
    if subjects["marketing"]:
        for activity_id, pilot_id in db.session.execute(
                select(MarketingActivity.id, MarketingActivity.pilot_id)
                .where(MarketingActivity.id.in_(subjects["marketing"]))):
            pilot_of.update(dict.fromkeys(subjects["marketing"][activity_id], pilot_id))
    if subjects["proposals"]:
        for proposal_id, pilot_id in db.session.execute(
                select(Proposal.id, Pilot.id)
                .join(Pilot, and_(Pilot.challenge_id == Proposal.challenge_id,
                                  Pilot.startup_id == Proposal.startup_id))
                .where(Proposal.id.in_(subjects["proposals"])).order_by(Pilot.id)):
            pilot_of.update(dict.fromkeys(subjects["proposals"][proposal_id], pilot_id))
    if not pilot_of:
        return {}
    pilots = {p.id: p for p in db.session.scalars(
        select(Pilot).join(Pilot.challenge)
        .where(Pilot.id.in_(set(pilot_of.values())),
               access.own_side(user, municipality=Challenge.organisation_id,
                               startup=Pilot.startup_id))
        .options(joinedload(Pilot.challenge).joinedload(Challenge.organisation),
                 joinedload(Pilot.startup))).unique()}
    return {note_id: pilots[pid] for note_id, pid in pilot_of.items() if pid in pilots}


def grouped(user: User, notes: list[Notification], to_do: dict[str, tuple[str, str]]
            ) -> list[Group]:
    """The page's notifications grouped by pairing: a pair's together under its name, the
    groups in the order of their newest notification; the others each on their own. `to_do`
    maps a page to the action waiting there (its verb and the address where it is done)."""
    pairs = pairs_of(user, notes)
    groups: dict[object, Group] = {}
    for note in notes:
        pilot = pairs.get(note.id)
        key: object = pilot.id if pilot else ("note", note.id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = (Group(pilot.id, pair_name(pilot), f"/pilots/{pilot.id}")
                                   if pilot else Group())
        page = page_of(note.url or "")
        verb, where = to_do.get(page, ("", ""))
        item = {"note": note, "text": message(note), "verb": verb, "to": where}
        if pilot and page == group.url:
            # about the pair itself: its action is the group's, asked once; of many stage
            # moves only the newest stays in view, the older ones are folded
            group.verb, group.to = group.verb or verb, group.to or where
            item["verb"] = ""
            if note.kind == "pilot_moved" and any(
                    i["note"].kind == "pilot_moved" for i in group.items):
                group.earlier.append(item)
                continue
        group.items.append(item)
    return list(groups.values())


@transaction.unit_of_work()
def mark_read(user: User, note_id: int | None = None) -> Notification | None:
    """Mark one notification (or all of the user's) as read."""
    if note_id is None:
        db.session.execute(update(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)).values(
            read_at=utcnow()))
        return None
    note = db.session.get(Notification, note_id)
    note = access.visible_or_404(note, note is not None and note.user_id == user.id,
                                 _("This notification does not exist."))
    note.read_at = note.read_at or utcnow()
    return note


def preferences(user: User) -> dict[str, str]:
    chosen: dict[str, DigestFrequency] = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.frequency)
        .where(NotificationPreference.user_id == user.id)).tuples().all())
    return {kind: str(chosen.get(kind, _default(kind))) for kind in KINDS}


@transaction.unit_of_work()
def set_preferences(user: User, choices: dict[str, str]) -> None:
    """Save the user's mail frequency per kind."""
    existing = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, value in choices.items():
        if kind not in KINDS or value not in DigestFrequency.__members__:
            raise DomainError(_("Unknown notification setting."))
        pref = existing.get(kind) or NotificationPreference(user_id=user.id, kind=kind)
        pref.frequency = DigestFrequency(value)
        db.session.add(pref)


def managers() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == "manager")))


def members(org_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == org_id,
                                                      User.is_invited.is_(False))))
