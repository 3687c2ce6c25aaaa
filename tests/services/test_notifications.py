"""Notifications: everyone who must act is told, in their language, as often as they chose."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from govtech.extensions import db
from govtech.models import Notification, Recommendation, User
from govtech.services import introductions, notifications
from govtech.services.errors import NotFound
from tests import factories


def _notes(user_id):
    return db.session.scalars(select(Notification).filter_by(user_id=user_id)).all()


def test_signup_tells_the_managers_by_mail_at_once(app, ctx, outbox):
    manager = factories.user(app, "manager")
    factories.user(app, "startup", state="pending")
    notes = _notes(manager.id)
    assert [n.kind for n in notes] == ["org_pending"]
    assert notes[0].emailed_at is not None
    assert any(m["To"] == manager.email for m in outbox.messages())


def test_introduction_tells_both_parties(app, ctx):
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    cid = factories.challenge(app, town)
    rec = db.session.get(Recommendation, factories.recommendation(app, cid, startup.org_id))
    manager = db.session.get(User, factories.user(app, "manager").id)
    introductions.introduce(manager, rec)
    for party in (town, startup):
        assert [n.kind for n in _notes(party.id)][-1] == "introduced"


def test_message_reads_in_the_recipients_language(app, ctx):
    user = factories.user(app, "startup")
    note = db.session.get(Notification, factories.notification(app, user))
    with force_locale("en"):
        assert notifications.message(note) == "テスト市 has signed up and waits for approval."
    with force_locale("ja"):
        assert "承認" in notifications.message(note)


def test_daily_digest_collects_and_is_never_empty(app, ctx, outbox):
    manager = db.session.get(User, factories.user(app, "manager").id)
    notifications.set_preferences(manager, {"org_pending": "daily"})
    factories.user(app, "startup", state="pending")
    factories.user(app, "municipality", state="pending")
    outbox.clear()  # the sign-ups' confirmation mails (issue 10): not notifications
    assert outbox.messages() == []  # nothing mailed at once
    assert notifications.send_digests("daily") == 1
    body = outbox.last_body()
    assert body.count("承認を待っています") == 2
    assert notifications.send_digests("daily") == 0  # nothing new: no empty digest
    assert len(outbox.messages()) == 1


def test_mark_read_only_ones_own(app, ctx):
    user = db.session.get(User, factories.user(app, "startup").id)
    other = factories.user(app, "startup")
    mine = factories.notification(app, factories.UserRecord(user.id, user.email, "startup", None))
    theirs = factories.notification(app, other)
    assert notifications.unread_count(user) >= 1
    notifications.mark_read(user, mine)
    with pytest.raises(NotFound):
        notifications.mark_read(user, theirs)
    notifications.mark_read(user)
    assert notifications.unread_count(user) == 0


def test_unknown_setting_is_refused(app, ctx):
    user = db.session.get(User, factories.user(app, "startup").id)
    with pytest.raises(Exception, match="通知"):
        notifications.set_preferences(user, {"org_pending": "hourly"})
