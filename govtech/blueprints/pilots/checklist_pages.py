"""The checklist's records and waivers on the pair's page (issue 17, part 3)."""
from __future__ import annotations

from govtech.blueprints.pilots.views import bp  # noqa: F401 - routes are added to the pilots blueprint
