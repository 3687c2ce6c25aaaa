"""Models of the notification endpoints: the caller's notifications, read or not."""
from __future__ import annotations

from pydantic import Field

from govtech.api.schemas_common import ListQuery, Resource, Timestamp


class NotificationOut(Resource):
    """One of the caller's notifications. `updated_at` is when it was read (or created, while
    unread); `version` derives from it."""

    kind: str = Field(description="What happened (a key of the notification settings).",
                      examples=["proposal_received"])
    message: str = Field(description="The notification in words (Accept-Language).")
    url: str = Field(description="The page it points to (a path of the site).",
                     examples=["/proposals/12"])
    created_at: Timestamp = Field(description="When it was sent.")
    read_at: Timestamp | None = Field(description="When the caller read it; null while unread.")
    unread: bool = Field(description="Whether it is still unread.")
    needs_action: bool = Field(description="Its page is on the caller's action list (要対応): "
                                           "something there waits for the caller.")


class NotificationQuery(ListQuery):
    """The filters of the notifications page. `updated_since` filters by the time a
    notification was sent."""

    unread: bool = Field(False, description="Only unread notifications.")
    action: bool = Field(False, description="Only those whose page waits for the caller "
                                            "(the page's 要対応 filter).")
