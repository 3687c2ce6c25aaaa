"""The evidence pack (PDF, .docx) and the pilot's cost (issue 17, part 4)."""
from __future__ import annotations

from govtech.blueprints.pilots.views import bp  # noqa: F401 - routes are added to the pilots blueprint
