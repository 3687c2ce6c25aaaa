"""Architecture rules as tests: the matcher stays independent, views never write state."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_matching_imports_no_web_stack():
    """`matching` can be used without Flask, SQLAlchemy or the app."""
    code = (
        "import sys, matching, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(matching.__path__, 'matching.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'govtech')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_views_never_set_state_directly():
    """State changes go through services; a view assigning `.state =` breaks the rule."""
    offenders = []
    for path in (ROOT / "govtech" / "blueprints").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(state|stage)\s*=[^=]", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_no_legacy_query_api():
    """SQLAlchemy 2.0 style only: `select()`, never `Model.query`."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "govtech").rglob("*.py")
                 if re.search(r"\b[A-Z][A-Za-z]+\.query\b", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_views_do_not_commit():
    """Services own the transaction; views call them."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "govtech" / "blueprints").rglob("*.py")
                 if "session.commit" in p.read_text(encoding="utf-8")]
    assert offenders == []
