"""The README's API examples run as written, against the app served on 127.0.0.1.

The examples are the ```sh blocks of README.md's "API" section. They are run one after the
other in one bash, as the README says to; only the first block's `export …=` lines get this
server's address and real tokens of a town's member, a startup's member and a manager. Every
later block must succeed (curl --fail-with-body) and print JSON.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess  # nosec B404 - runs the README's own examples
from pathlib import Path

import pytest

from tests import factories
from tests.api.conftest import make_token
from tests.api.test_fuzz import serve

ROOT = Path(__file__).resolve().parents[2]
MARKER = "@@example-block@@"


def api_section() -> str | None:
    """README.md's "API" section (to the next heading of its level)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^(#{1,3}) API\s*$", readme, flags=re.MULTILINE)
    if match:
        level = match.group(1)
        rest = readme[match.end():]
        end = re.search(rf"^#{{1,{len(level)}}} ", rest, flags=re.MULTILINE)
        return rest[:end.start()] if end else rest
    return None


def shell_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text,
                                                  flags=re.DOTALL)]


def test_the_section_has_an_example_per_role():
    text = api_section()
    if text is None:
        pytest.skip("no API section in README.md yet")
    blocks = shell_blocks(text)
    joined = "\n".join(blocks)
    assert len(blocks) >= 6
    for needed in ("TOWN_TOKEN", "STARTUP_TOKEN", "MANAGER_TOKEN", "attachment=@",
                   "/api/v1/dashboard", "/introduce", "-X POST \"$GOVTECH/api/v1/challenges\""):
        assert needed in joined, needed
    assert "updated_since" in text and "Authorization" in text and "WEBHOOKS.md" in text


def _programme(app) -> dict[str, str]:
    """A town with an open disaster challenge, a startup, a manager and a suggested pair."""
    town = factories.user(app, "municipality")
    startup = factories.user(app, "startup")
    manager = factories.user(app, "manager")
    challenge = factories.challenge(app, town, state="open")
    factories.capability(app, startup)
    factories.recommendation(app, challenge, startup.org_id)
    return {"TOWN_TOKEN": make_token(app, town).secret,
            "STARTUP_TOKEN": make_token(app, startup).secret,
            "MANAGER_TOKEN": make_token(app, manager).secret}


def _script(blocks: list[str], base: str, tokens: dict[str, str]) -> str:
    first = blocks[0]
    first = re.sub(r"^export GOVTECH=\S+", f"export GOVTECH={base}", first, flags=re.MULTILINE)
    for name, secret in tokens.items():
        first, count = re.subn(rf"^export {name}=\S+", f"export {name}={secret}", first,
                               flags=re.MULTILINE)
        assert count == 1, f"the first block does not export {name}"
    parts = ["set -euo pipefail", first]
    for block in blocks[1:]:
        parts += [f"echo; echo '{MARKER}'", block]
    return "\n".join(parts) + "\n"


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("jq") is None,
                    reason="curl and jq are needed")
def test_the_examples_run_as_written(app, tmp_path):
    text = api_section()
    if text is None:
        pytest.skip("no API section in README.md yet")
    blocks = shell_blocks(text)
    tokens = _programme(app)
    (tmp_path / "proposal.pdf").write_bytes(factories.PDF_BYTES)
    app.config["API_RATE_LIMIT_ENABLED"] = False
    try:
        with serve(app) as base:
            script = _script(blocks, base, tokens)
            env = {key: value for key, value in os.environ.items()
                   if not key.endswith("_PROXY") and not key.endswith("_proxy")}
            done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env,  # nosec B603
                                  capture_output=True, text=True, timeout=120, check=False)
    finally:
        app.config["API_RATE_LIMIT_ENABLED"] = True
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr}"
    outputs = done.stdout.split(MARKER)[1:]
    assert len(outputs) == len(blocks) - 1
    for block, output in zip(blocks[1:], outputs, strict=True):
        try:
            json.loads(output)
        except json.JSONDecodeError:
            pytest.fail(f"not one JSON document:\n{block}\n---\n{output[:2000]}")
