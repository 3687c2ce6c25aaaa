"""A municipality's budget calendar and 少額随意契約 limits (issue 17, part 2)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
