"""matching/ is a plain package: importing it pulls in no web framework or app code."""

import subprocess
import sys


def test_matching_imports_no_app_code():
    code = (
        "import sys, matching, matching.evaluate, matching.bench\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'govtech')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/work/main")
