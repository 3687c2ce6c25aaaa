"""The pair page's panel: cost, the evidence pack and the 第4号 certification
(issue 17, parts 4 and 5)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Optional

from govtech.services import certifications, evidence


class CostForm(FlaskForm):
    """Yen, whole numbers; the service refuses amounts below zero."""

    pilot_cost = IntegerField(_l("Pilot cost (yen)"), validators=[Optional()],
                              description=_l("What the pilot itself cost the town, if anything."))
    annual_cost = IntegerField(_l("Annual cost after adoption (yen)"), validators=[Optional()],
                               description=_l("The yearly cost of using it for real."))


def context(user, pilot) -> dict[str, Any]:
    cert = certifications.for_pilot(user, pilot)
    town_id = pilot.challenge.organisation_id
    may_certify = certifications.may_change_town(user, town_id)
    return {
        "cost_form": CostForm(formdata=None, obj=pilot, prefix="cost"),
        "purchase": {
            "may_edit_cost": evidence.may_edit_cost(user, pilot),
            "cost_events": evidence.cost_history(user, pilot),
            "pack_ready": evidence.ready(pilot),
            "pack_reason": evidence.not_ready_reason(pilot),
            "certification": cert,
            "certification_state": certifications.state_label(cert.state) if cert else "",
            "may_draft": cert is None and certifications.may_draft(user, pilot),
            "no_scheme": cert is None and may_certify
            and not certifications.certifies(town_id),
        },
    }
