"""Demo data for issue 17: the catalogue's solutions and ratings."""
from __future__ import annotations


def load() -> None:
    return None
