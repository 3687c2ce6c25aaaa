"""Demo data for issue 17: pilot costs and a granted 第4号 certification."""
from __future__ import annotations


def load() -> None:
    return None
