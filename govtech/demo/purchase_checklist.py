"""Demo data for issue 17: checklist records and a waiver on the demo pairs."""
from __future__ import annotations


def load() -> None:
    return None
