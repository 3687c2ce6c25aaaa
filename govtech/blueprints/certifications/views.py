"""第4号 certifications: the application draft and the granted record (issue 17, part 5)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certifications", __name__, url_prefix="/certifications")
