"""Notifications: the caller's list (with the page's 要対応 filter, and unread), mark one or all
as read. The same service functions as the notifications page (services.notifications,
services.actions for what waits on the caller)."""
from __future__ import annotations

from datetime import datetime

from flask import Response
from flask_login import current_user

from govtech.api import paging
from govtech.api.declare import etag, no_content, ok, operation
from govtech.api.problems import Problem
from govtech.api.schemas_common import Page
from govtech.api.schemas_notifications import NotificationOut, NotificationQuery
from govtech.models import Notification
from govtech.services import actions, notifications

TAG = "notifications"


def _micros(moment: datetime) -> int:
    return int(moment.replace(tzinfo=None).timestamp() * 1_000_000)


def _waiting() -> set[str]:
    """The pages of the caller's action list, as the page's 要対応 filter takes them."""
    return {notifications.page_of(item.url) for item in actions.for_user(current_user).mine}


def notification_out(note: Notification, waiting: set[str]) -> NotificationOut:
    updated = note.read_at or note.created_at
    return NotificationOut(
        id=note.id, updated_at=updated, version=_micros(updated), kind=note.kind,
        message=notifications.message(note), url=note.url, created_at=note.created_at,
        read_at=note.read_at, unread=note.read_at is None,
        needs_action=notifications.page_of(note.url) in waiting)


@operation("GET", "/notifications", tag=TAG, query=NotificationQuery,
           response=Page[NotificationOut], mirrors=("notifications.list_notifications",))
def list_notifications(query: NotificationQuery) -> Response:
    """List the caller's notifications

    Oldest first (by the time sent, then `id`), so `updated_since` fetches what arrived since
    the last sync. `action=true` keeps those whose page waits for the caller (要対応), as the
    page's filter; `unread=true` the unread ones.
    """
    waiting = _waiting()
    stmt = notifications.list_query(current_user, waiting if query.action else None)
    if query.unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paging.paginate(stmt, key=(Notification.created_at, Notification.id), query=query)
    return paging.respond(page, [notification_out(note, waiting) for note in page.items])


@operation("POST", "/notifications/<int:note_id>/read", tag=TAG, response=NotificationOut,
           mirrors=("notifications.read",))
def read_notification(note_id: int) -> Response:
    """Mark a notification as read

    Only the caller's own (404 for others').
    """
    note = notifications.mark_read(current_user, note_id)
    if note is None:  # never for one id (the note, or NotFound), but typed so
        raise Problem(404, "not_found")
    out = notification_out(note, _waiting())
    return ok(out, headers={"ETag": etag(out.version)})


@operation("POST", "/notifications/read-all", tag=TAG, status=204,
           mirrors=("notifications.read_all",))
def read_all_notifications() -> Response:
    """Mark all the caller's notifications as read"""
    notifications.mark_read(current_user)
    return no_content()
