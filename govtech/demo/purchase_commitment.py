"""Demo data for issue 17: commitments on the demo challenges and the towns' budget calendars."""
from __future__ import annotations


def load() -> None:
    return None
