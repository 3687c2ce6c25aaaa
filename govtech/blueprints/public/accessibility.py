"""The accessibility policy's results table: every WCAG 2.1 success criterion at levels A and AA
(JIS X 8341-3:2016 is WCAG 2.0; 2.1 adds twelve), how it is checked and what that found.

Only what a test checks is claimed: "axe" rules run in tests/browser/test_accessibility.py over
every page each role can reach; "browser" means a test in tests/browser/ drives the page;
"manual" means a person has to check it and the outcome says whether that has happened.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

CHECKED_ON = "2026-12-01"  # the date of the test run this table describes

METHODS = {
    "axe": _l("Automated (axe-core rules)"),
    "browser": _l("Browser test"),
    "manual": _l("Manual check"),
    "na": _l("Not applicable"),
}
OUTCOMES = {
    "pass": _l("Passes the tests that check it"),
    "partial": _l("No problems found by the tests; the rest is for a manual check"),
    "todo": _l("Manual check still to be done"),
    "na": _l("Not applicable (no such content)"),
}


@dataclass(frozen=True)
class Criterion:
    number: str
    level: str
    name: object  # a lazy string
    methods: tuple[str, ...]
    outcome: str
    detail: str = ""  # rule ids or test names: not translated
    wcag21: bool = False  # added by WCAG 2.1, beyond JIS X 8341-3:2016


AXE_TEST = "test_accessibility.py"
KEYS = "test_keyboard.py"

CRITERIA = [
    Criterion("1.1.1", "A", _l("Non-text Content"), ("axe", "manual"), "partial",
              "image-alt, svg-img-alt, role-img-alt, input-image-alt; each chart names its "
              "data table (aria-describedby): test_dashboard_views.py, test_marketing_views.py"),
    Criterion("1.2.1", "A", _l("Audio-only and Video-only (Prerecorded)"), ("na",), "na"),
    Criterion("1.2.2", "A", _l("Captions (Prerecorded)"), ("na",), "na"),
    Criterion("1.2.3", "A", _l("Audio Description or Media Alternative (Prerecorded)"), ("na",),
              "na"),
    Criterion("1.2.4", "AA", _l("Captions (Live)"), ("na",), "na"),
    Criterion("1.2.5", "AA", _l("Audio Description (Prerecorded)"), ("na",), "na"),
    Criterion("1.3.1", "A", _l("Info and Relationships"), ("axe", "browser", "manual"),
              "partial", f"list, th-has-data-cells, td-headers-attr, label, "
                         f"aria-required-children; {KEYS}"),
    Criterion("1.3.2", "A", _l("Meaningful Sequence"), ("browser", "manual"), "partial", KEYS),
    Criterion("1.3.3", "A", _l("Sensory Characteristics"), ("manual",), "todo"),
    Criterion("1.3.4", "AA", _l("Orientation"), ("axe",), "pass", "css-orientation-lock",
              wcag21=True),
    Criterion("1.3.5", "AA", _l("Identify Input Purpose"), ("axe", "manual"), "partial",
              "autocomplete-valid", wcag21=True),
    Criterion("1.4.1", "A", _l("Use of Color"), ("axe", "manual"), "partial",
              "link-in-text-block; every state badge on every page says its state in words: "
              "test_routes_roles.py"),
    Criterion("1.4.2", "A", _l("Audio Control"), ("na",), "na"),
    Criterion("1.4.3", "AA", _l("Contrast (Minimum)"), ("axe", "manual"), "partial",
              "color-contrast"),
    Criterion("1.4.4", "AA", _l("Resize text"), ("axe", "manual"), "partial", "meta-viewport"),
    Criterion("1.4.5", "AA", _l("Images of Text"), ("manual",), "todo"),
    Criterion("1.4.10", "AA", _l("Reflow"), ("browser",), "pass",
              f"{AXE_TEST}: 320 CSS px", wcag21=True),
    Criterion("1.4.11", "AA", _l("Non-text Contrast"), ("manual",), "todo", wcag21=True),
    Criterion("1.4.12", "AA", _l("Text Spacing"), ("browser", "manual"), "partial",
              f"{AXE_TEST}: 320 CSS px", wcag21=True),
    Criterion("1.4.13", "AA", _l("Content on Hover or Focus"), ("browser", "manual"), "partial",
              f"{AXE_TEST}, {KEYS}", wcag21=True),
    Criterion("2.1.1", "A", _l("Keyboard"), ("browser", "manual"), "partial", KEYS),
    Criterion("2.1.2", "A", _l("No Keyboard Trap"), ("browser", "manual"), "partial", KEYS),
    Criterion("2.1.4", "A", _l("Character Key Shortcuts"), ("na",), "na", wcag21=True),
    Criterion("2.2.1", "A", _l("Timing Adjustable"), ("browser",), "pass",
              f"{KEYS}; tests/views/test_accessibility_views.py"),
    Criterion("2.2.2", "A", _l("Pause, Stop, Hide"), ("manual",), "todo"),
    Criterion("2.3.1", "A", _l("Three Flashes or Below Threshold"), ("na",), "na"),
    Criterion("2.4.1", "A", _l("Bypass Blocks"), ("axe", "browser"), "pass",
              f"bypass; {KEYS}"),
    Criterion("2.4.2", "A", _l("Page Titled"), ("axe", "manual"), "partial", "document-title"),
    Criterion("2.4.3", "A", _l("Focus Order"), ("browser", "manual"), "partial", KEYS),
    Criterion("2.4.4", "A", _l("Link Purpose (In Context)"), ("axe", "manual"), "partial",
              "link-name"),
    Criterion("2.4.5", "AA", _l("Multiple Ways"), ("manual",), "todo"),
    Criterion("2.4.6", "AA", _l("Headings and Labels"), ("manual",), "todo"),
    Criterion("2.4.7", "AA", _l("Focus Visible"), ("browser", "manual"), "partial", KEYS),
    Criterion("2.5.1", "A", _l("Pointer Gestures"), ("na",), "na", wcag21=True),
    Criterion("2.5.2", "A", _l("Pointer Cancellation"), ("manual",), "todo", wcag21=True),
    Criterion("2.5.3", "A", _l("Label in Name"), ("manual",), "todo", wcag21=True),
    Criterion("2.5.4", "A", _l("Motion Actuation"), ("na",), "na", wcag21=True),
    Criterion("3.1.1", "A", _l("Language of Page"), ("axe", "browser"), "pass",
              f"html-has-lang, html-lang-valid; {AXE_TEST}"),
    Criterion("3.1.2", "AA", _l("Language of Parts"), ("axe", "manual"), "partial",
              "valid-lang"),
    Criterion("3.2.1", "A", _l("On Focus"), ("browser", "manual"), "partial", KEYS),
    Criterion("3.2.2", "A", _l("On Input"), ("manual",), "todo"),
    Criterion("3.2.3", "AA", _l("Consistent Navigation"), ("manual",), "todo",
              "templates/base.html"),
    Criterion("3.2.4", "AA", _l("Consistent Identification"), ("manual",), "todo"),
    Criterion("3.3.1", "A", _l("Error Identification"), ("browser", "manual"), "partial", KEYS),
    Criterion("3.3.2", "A", _l("Labels or Instructions"), ("axe", "browser", "manual"),
              "partial", f"label, select-name; {KEYS}"),
    Criterion("3.3.3", "AA", _l("Error Suggestion"), ("manual",), "todo"),
    Criterion("3.3.4", "AA", _l("Error Prevention (Legal, Financial, Data)"), ("browser",
                                                                              "manual"),
              "partial", KEYS),
    Criterion("4.1.1", "A", _l("Parsing"), ("na",), "na",
              "WCAG 2.1 errata (2023): always satisfied for HTML"),
    Criterion("4.1.2", "A", _l("Name, Role, Value"), ("axe", "browser", "manual"), "partial",
              f"aria-*, button-name, link-name, nested-interactive; {AXE_TEST}, {KEYS}"),
    Criterion("4.1.3", "AA", _l("Status Messages"), ("browser", "manual"), "partial", KEYS,
              wcag21=True),
]


def rows() -> list[dict]:
    """The table as the template shows it, in the reader's language."""
    return [{"number": c.number, "level": c.level, "name": str(c.name), "wcag21": c.wcag21,
             "methods": [str(METHODS[m]) for m in c.methods], "detail": c.detail,
             "outcome": str(OUTCOMES[c.outcome]), "outcome_key": c.outcome}
            for c in CRITERIA]


def counts() -> dict[str, int]:
    """How many criteria have each outcome (the summary above the table)."""
    result = dict.fromkeys(OUTCOMES, 0)
    for criterion in CRITERIA:
        result[criterion.outcome] += 1
    return result
