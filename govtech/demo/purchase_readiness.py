"""Demo data for issue 17: the demo startups' procurement readiness."""
from __future__ import annotations


def load() -> None:
    return None
