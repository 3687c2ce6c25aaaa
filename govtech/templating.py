"""What templates get: filters for labels and dates, navigation, and the language switch."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, has_request_context, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from govtech import formatting, labels, reference
from govtech.models.enums import Role
from govtech.services import access, notifications

# (endpoint, label, roles that see it; None = everyone incl. the public, group in the header;
# None = a link of its own, else the disclosure menu it is folded into)
MANAGERS = frozenset({Role.manager})
NAV = [
    ("public.index", _l("Programme"), None, "more"),
    ("home.index", _l("Home"), frozenset(Role), None),
    ("challenges.list_challenges", _l("Challenges"), None, None),
    ("startups.list_startups", _l("Startups"), frozenset(Role), None),
    ("recommendations.list_recommendations", _l("Recommendations"), frozenset(Role), None),
    ("proposals.list_proposals", _l("Proposals"), frozenset(Role), None),
    ("pilots.board", _l("Pilots"), frozenset(Role), None),
    ("dashboard.index", _l("Dashboard"), frozenset(Role), None),
    ("marketing.list_activities", _l("Marketing"), frozenset(Role), "more"),
    ("cases.list_cases", _l("Case studies"), None, "more"),
    ("catalogue.list_solutions", _l("Solution catalogue"), None, "more"),  # issue 17
    ("admin.organisations", _l("Organisations"), MANAGERS, "manage"),
    ("admin.managers", _l("Programme managers"), MANAGERS, "manage"),
    ("admin.audit", _l("Audit log"), MANAGERS, "manage"),
]
NAV_GROUPS = {"more": _l("More"), "manage": _l("Manage")}
FLAT_UP_TO = 5  # a header with this few links has no menus


def navigation(app: Flask) -> dict:
    """The header links this user may follow, among the pages that exist: links of their own
    first, then the folded menus (a short list, like the public's, is not folded)."""
    role = current_user.role if current_user.is_authenticated else None
    items: list[dict[str, Any]] = []
    for endpoint, label, roles, group in NAV:
        if endpoint not in app.view_functions:
            continue
        if roles is not None and role not in roles:
            continue
        if roles is not None and endpoint != "home.index" and not current_user.is_approved:
            continue
        items.append({"url": url_for(endpoint), "label": str(label), "group": group,
                      "active": request.endpoint == endpoint})
    if len(items) <= FLAT_UP_TO:
        return {"primary": items, "groups": []}
    groups = []
    for key, label in NAV_GROUPS.items():
        members = [item for item in items if item["group"] == key]
        if members:
            groups.append({"id": f"nav-{key}", "label": str(label), "items": members,
                           "active": any(item["active"] for item in members)})
    return {"primary": [item for item in items if item["group"] is None], "groups": groups}


def lang_url(lang: str) -> str:
    """This page in another language (keeps the path and the query)."""
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    if request.endpoint and request.url_rule and "GET" in (request.url_rule.methods or ()):
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return f"{request.path}?{urlencode(args, doseq=True)}"  # e.g. a 404 page: same address


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        state=labels.state_label,
        stage=labels.stage_label,
        not_adopted_reason=labels.reason_label,
        kind=labels.kind_label,
        marketing_kind=labels.marketing_kind_label,
        role=labels.role_label,
        prefecture=reference.prefecture_name,
        category=reference.category_label,
    )
    # dates and numbers as each language writes them (govtech/formatting.py)
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters.update(formatting.TEXT_FILTERS)

    @app.context_processor
    def inject() -> dict:
        locale = get_locale()
        if not has_request_context():  # e-mail rendered by a command or a job
            return {"programme_name": app.config["PROGRAMME_NAME"],
                    "current_lang": locale.language if locale else "ja"}
        unread = (notifications.unread_count(current_user)
                  if current_user.is_authenticated else 0)
        return {
            "nav": navigation(app),
            "me": access.flags(current_user),
            "unread_notifications": unread,
            "current_lang": locale.language if locale else "ja",
            "lang_url": lang_url,
            "programme_name": app.config["PROGRAMME_NAME"],
        }
