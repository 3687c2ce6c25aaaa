"""The public catalogue of adopted solutions (issue 17, part 7)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
