"""Keep the message catalogues in step with the code.

    python tools/i18n.py update    extract, update ja/en catalogues, copy English ids to en
    python tools/i18n.py missing   list Japanese messages still untranslated (exit 1 if any)
    python tools/i18n.py compile   compile .po to .mo (make does this before run and test)
    python tools/i18n.py fill FILE fill Japanese translations from a file of "id<TAB>translation"
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "govtech" / "translations"
POT = TRANSLATIONS / "messages.pot"


def _po(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    _babel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
           "-o", str(POT), ".")
    for lang in ("ja", "en"):
        command = "update" if _po(lang).exists() else "init"
        _babel(command, "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang,
               *(["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else []))
    path = _po("en")
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True)


def missing() -> int:
    with _po("ja").open("rb") as handle:
        catalog = read_po(handle)
    todo = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple)
                                                             and not all(m.string)))]
    for message_id in todo:
        print(message_id)
    return 1 if todo else 0


def fill(source: Path) -> None:
    pairs = dict(line.split("\t", 1) for line in source.read_text(encoding="utf-8").splitlines()
                 if "\t" in line)
    path = _po("ja")
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in pairs:
            message.string = pairs[message.id]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True)


def compile_() -> None:
    _babel("compile", "-d", str(TRANSLATIONS), "--statistics")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "missing":
        sys.exit(missing())
    elif command == "fill":
        fill(Path(sys.argv[2]))
    elif command == "compile":
        compile_()
    else:
        sys.exit(__doc__)
