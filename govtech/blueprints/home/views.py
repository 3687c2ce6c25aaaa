"""Each role's home page: what needs the user's attention now."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from govtech.services import home

bp = Blueprint("home", __name__)


@bp.get("/home")
def index():
    return render_template("home/index.html", summary=home.summary_for(current_user))
