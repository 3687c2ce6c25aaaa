"""Who may open which page: one policy table, enforced before every request.

Every endpoint must appear in POLICY; an endpoint missing from it is refused (403) and fails the
route × role test, so a new page cannot ship without a rule. Rules about one record ("own challenge
only") are the services' job; this table decides who may reach the page at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from govtech.extensions import login_manager
from govtech.models.enums import Role
from govtech.services import two_step

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    """`roles` None means public; `approved` also requires an approved organisation."""

    roles: frozenset[Role] | None
    approved: bool = True


PUBLIC = Rule(None)
SIGNED_IN = Rule(ALL_ROLES, approved=False)  # pending users may see these
MEMBERS = Rule(ALL_ROLES)
MANAGERS = Rule(frozenset({Role.manager}))
ORG_MEMBERS = Rule(frozenset({Role.municipality, Role.startup}))
MUNICIPALITIES = Rule(frozenset({Role.municipality}))
CHALLENGE_EDITORS = Rule(frozenset({Role.municipality, Role.manager}))
STARTUP_EDITORS = Rule(frozenset({Role.startup, Role.manager}))
STARTUPS = Rule(frozenset({Role.startup}))

POLICY: dict[str, Rule] = {
    "static": PUBLIC,
    "public.index": PUBLIC,
    "public.health": PUBLIC,
    "public.accessibility": PUBLIC,  # the accessibility policy (アクセシビリティ方針)
    "public.set_language": PUBLIC,
    "auth.signup": PUBLIC,
    "auth.login": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.accept_invitation": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.invite": ORG_MEMBERS,
    "auth.security": SIGNED_IN,
    "auth.end_session": SIGNED_IN,
    "auth.end_other_sessions": SIGNED_IN,
    "auth.extend_session": SIGNED_IN,  # the time-out warning's "stay signed in"
    # sign-up confirmation (issue 10 item 5), members (item 3), one's own data (item 8)
    "auth.confirm_email": PUBLIC,
    "auth.resend_confirmation": PUBLIC,
    "auth.members": ORG_MEMBERS,
    "auth.member_action": MEMBERS,  # services.members: an administrator's own, or managers
    "auth.download_data": SIGNED_IN,
    "auth.delete_account": SIGNED_IN,
    "auth.login_code": PUBLIC,  # the code step of a login (services.two_step)
    "auth.two_step": SIGNED_IN,
    "auth.email_change": SIGNED_IN,  # the new address's link: its own user only (services)
    "auth.organisation_two_step": MEMBERS,  # services.two_step: managers, its administrator
    "auth.api_tokens_page": SIGNED_IN,  # one's own API tokens (issue 14)
    "auth.revoke_api_token": SIGNED_IN,  # services.api_tokens: one's own only
    "home.index": SIGNED_IN,
    # a town's budget calendar (issue 17): its own members, managers any (services.budget_calendar)
    "calendar.own_calendar": CHALLENGE_EDITORS,
    "calendar.town_calendar": CHALLENGE_EDITORS,
    # challenges: the list and pages are public (open ones, summary only); services decide more
    "challenges.list_challenges": PUBLIC,
    "challenges.show_challenge": PUBLIC,
    "challenges.new_challenge": MUNICIPALITIES,
    "challenges.edit_challenge": CHALLENGE_EDITORS,
    "challenges.change_state": CHALLENGE_EDITORS,
    "startups.list_startups": MEMBERS,
    "startups.show_startup": MEMBERS,
    "startups.edit_profile": STARTUP_EDITORS,
    "startups.new_capability": STARTUP_EDITORS,
    "startups.edit_capability": STARTUP_EDITORS,
    "startups.delete_capability": STARTUP_EDITORS,
    "startups.edit_procurement": STARTUP_EDITORS,  # issue 17: procurement readiness
    "startups.remove_bid": STARTUP_EDITORS,
    "recommendations.list_recommendations": MEMBERS,
    "recommendations.dismiss": MEMBERS,
    "recommendations.interest": ORG_MEMBERS,
    "recommendations.withdraw_interest": ORG_MEMBERS,
    "recommendations.rebuild": MANAGERS,
    "recommendations.introduce": MANAGERS,
    "recommendations.reject": MANAGERS,
    "recommendations.save_note": MANAGERS,
    "recommendations.bulk": MANAGERS,
    # proposals: services decide whose (the startup's own, the owning municipality's, managers)
    "proposals.list_proposals": MEMBERS,
    "proposals.new_proposal": STARTUPS,
    "proposals.review_proposals": CHALLENGE_EDITORS,
    "proposals.show_proposal": MEMBERS,
    "proposals.edit_proposal": STARTUPS,
    "proposals.change_state": MEMBERS,
    "proposals.download_attachment": MEMBERS,
    "proposals.download_version_attachment": MEMBERS,
    # pilots: parties to the pair and managers; services give others a 404
    "pilots.board": MEMBERS,
    "pilots.show_pilot": MEMBERS,
    "pilots.move": MEMBERS,
    "pilots.save_report": MEMBERS,
    "pilots.add_kpi": MEMBERS,
    "pilots.edit_kpi": MEMBERS,
    "pilots.add_milestone": MEMBERS,
    "pilots.toggle_milestone": MEMBERS,
    "pilots.record_item": MEMBERS,  # the checklist (services.checklist decides who)
    "pilots.waive_item": MEMBERS,
    "pilots.reopen_item": MEMBERS,
    "pilots.set_item_due": MEMBERS,
    "pilots.agreement_draft": MEMBERS,
    # the pilot's cost and evidence pack (issue 17): the pair's parties and managers
    # (services.evidence); 第4号 certifications: the town and managers change, the startup
    # reads its own (services.certifications)
    "pilots.save_cost": MEMBERS,
    "pilots.evidence_pdf_file": MEMBERS,
    "pilots.evidence_docx_file": MEMBERS,
    "certifications.list_certifications": MEMBERS,
    "certifications.show_certification": MEMBERS,
    "certifications.application_pdf": MEMBERS,
    "certifications.application_docx": MEMBERS,
    "certifications.decide": CHALLENGE_EDITORS,
    "certifications.draft_from_pilot": CHALLENGE_EDITORS,
    # marketing: the pair's parties and managers; services give others a 404
    "marketing.list_activities": MEMBERS,
    "marketing.calendar": MEMBERS,
    "marketing.show_activity": MEMBERS,
    "marketing.new_activity": MEMBERS,
    "marketing.edit_activity": MEMBERS,
    "marketing.approve": MEMBERS,
    "marketing.move": MEMBERS,
    "marketing.refresh_figures": MEMBERS,
    # published public case studies are the public's window on pilots
    "cases.list_cases": PUBLIC,
    "cases.show_case": PUBLIC,
    # the catalogue of adopted solutions (issue 17): public; managers edit its texts; a town
    # rates what its pair adopted (services.ratings decides which pair)
    "catalogue.list_solutions": PUBLIC,
    "catalogue.show_solution": PUBLIC,
    "catalogue.edit_solution": MANAGERS,
    "catalogue.rate_pilot": MUNICIPALITIES,
    # the dashboard: managers see the programme, members their own pairs (services.dashboard)
    "dashboard.index": MEMBERS,
    "dashboard.export": MEMBERS,
    "notifications.list_notifications": SIGNED_IN,
    "notifications.read": SIGNED_IN,
    "notifications.read_all": SIGNED_IN,
    "notifications.settings": SIGNED_IN,
    "admin.organisations": MANAGERS,
    "admin.set_organisation_state": MANAGERS,
    "admin.members": MANAGERS,
    "admin.managers": MANAGERS,
    # the audit log: managers see all of it, an organisation's administrator its own
    # organisation's events (services.audit.reader_org_id refuses other members)
    "admin.audit": MEMBERS,
    "admin.audit_export": MEMBERS,
    # the API (issue 14): a token's user passes the same rules; services decide per record
    "api.openapi": PUBLIC,
    "api.reference": PUBLIC,
    "api.problem_type": PUBLIC,
    "api.get_me": SIGNED_IN,
    "api.edit_me": SIGNED_IN,
    "api.list_my_tokens": SIGNED_IN,
    "api.revoke_my_token": SIGNED_IN,
    # the API's pipeline (issue 14): the same rules as the pages they mirror; services decide
    # per record (a party's own pairs, proposals and activities; managers all)
    "api.list_recommendations": MEMBERS,
    "api.get_recommendation": MEMBERS,
    "api.dismiss_recommendation": MEMBERS,
    "api.express_interest": ORG_MEMBERS,
    "api.withdraw_interest": ORG_MEMBERS,
    "api.introduce_recommendation": MANAGERS,
    "api.reject_recommendation": MANAGERS,
    "api.bulk_recommendations": MANAGERS,
    "api.save_recommendation_note": MANAGERS,
    "api.list_proposals": MEMBERS,
    "api.apply_to_challenge": STARTUPS,
    "api.get_proposal": MEMBERS,
    "api.edit_proposal": STARTUPS,
    "api.change_proposal_state": MEMBERS,
    "api.download_proposal_attachment": MEMBERS,
    "api.replace_proposal_attachment": STARTUPS,
    "api.list_proposal_versions": MEMBERS,
    "api.download_proposal_version_attachment": MEMBERS,
    "api.list_pilots": MEMBERS,
    "api.get_pilot": MEMBERS,
    "api.move_pilot": MEMBERS,
    "api.get_pilot_report": MEMBERS,
    "api.save_pilot_report": MEMBERS,
    "api.list_pilot_kpis": MEMBERS,
    "api.add_pilot_kpi": MEMBERS,
    "api.edit_pilot_kpi": MEMBERS,
    "api.list_pilot_milestones": MEMBERS,
    "api.add_pilot_milestone": MEMBERS,
    "api.set_milestone_done": MEMBERS,
    "api.list_marketing": MEMBERS,
    "api.get_marketing": MEMBERS,
    "api.create_marketing": MEMBERS,
    "api.edit_marketing": MEMBERS,
    "api.approve_marketing": MEMBERS,
    "api.change_marketing_state": MEMBERS,
    "api.refresh_marketing_figures": MEMBERS,
    # challenges, startups, case studies, dashboard, notifications (issue 14): as their pages
    "api.list_challenges": PUBLIC,
    "api.get_challenge": PUBLIC,
    "api.create_challenge": MUNICIPALITIES,
    "api.edit_challenge": CHALLENGE_EDITORS,
    "api.change_challenge_state": CHALLENGE_EDITORS,
    "api.list_startups": MEMBERS,
    "api.get_startup": MEMBERS,
    "api.edit_startup": STARTUP_EDITORS,
    "api.list_capabilities": MEMBERS,
    "api.get_capability": MEMBERS,
    "api.create_capability": STARTUP_EDITORS,
    "api.edit_capability": STARTUP_EDITORS,
    "api.delete_capability": STARTUP_EDITORS,
    "api.list_cases": PUBLIC,
    "api.get_case": PUBLIC,
    "api.get_dashboard": MEMBERS,
    "api.get_dashboard_table": MEMBERS,
    "api.list_notifications": SIGNED_IN,
    "api.read_notification": SIGNED_IN,
    "api.read_all_notifications": SIGNED_IN,
    # webhooks (issue 14): an organisation's administrator its own, managers all (services.webhooks)
    "webhooks.list_webhooks": MEMBERS,
    "webhooks.create": MEMBERS,
    "webhooks.show_webhook": MEMBERS,
    "webhooks.ping": MEMBERS,
    "webhooks.set_active": MEMBERS,
    "webhooks.delete": MEMBERS,
}


def rule_for(endpoint: str | None) -> Rule | None:
    return POLICY.get(endpoint or "")


# What a signed-in user who must enrol in two-step sign-in may still open: nothing else.
ENROLMENT_PAGES = frozenset({"auth.two_step", "auth.logout", "static", "public.set_language"})


def enforce() -> ResponseReturnValue | None:
    """before_request hook: keep users who must enrol in two-step sign-in on its page, send
    anonymous users to log in, refuse wrong roles with 403."""
    if request.endpoint is None:  # 404s and the like
        return None
    if (request.endpoint not in ENROLMENT_PAGES and current_user.is_authenticated
            and two_step.must_enrol(current_user)):
        return redirect(url_for("auth.two_step"))
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(403)
    if rule.roles is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in rule.roles:
        abort(403)
    if rule.approved and not current_user.is_approved:
        abort(403, description="pending")
    return None
