"""Pages as parsed HTML for view tests, so they check elements rather than substrings.

In the spirit of GOV.UK Notify's `client_request`: `get_page`/`post_page` fetch through the Flask
test client, assert the status and return a BeautifulSoup document; the small readers below find
what a test usually asks about (the visible text, flashed messages, a field's error or value).

    page = get_page(client, "/challenges/?q=防災")
    assert "防災アプリの導入" in texts(page, ".item-title")
    page = post_page(client, "/challenges/new", {"title": "課題"}, status=400)
    assert field_errors(page, "deadline") == ["応募締切に過去の日付は指定できません。"]
"""
from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag
from werkzeug.test import TestResponse

__all__ = ["BeautifulSoup", "alerts", "anywhere", "field_errors", "field_value", "flash_messages",
           "form_errors", "get_page", "parse", "post_page", "selected", "targets", "text", "texts"]


def parse(response: TestResponse, status: int | None = None) -> BeautifulSoup:
    """The response's body as a document; when `status` is given, assert it first."""
    if status is not None:
        assert response.status_code == status, (
            f"expected {status}, got {response.status_code}: "
            f"{response.headers.get('Location') or response.get_data(as_text=True)[:500]}")
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def get_page(client: Any, url: str, *, status: int = 200, **kwargs: Any) -> BeautifulSoup:
    """GET `url`, assert the status (200 unless told) and return the parsed page."""
    return parse(client.get(url, **kwargs), status)


def post_page(client: Any, url: str, data: Any = None, *, status: int = 200,
              **kwargs: Any) -> BeautifulSoup:
    """POST `data` to `url`, assert the status (200 unless told) and return the parsed page;
    pass `follow_redirects=True` to read the page a successful post leads to."""
    return parse(client.post(url, data=data, **kwargs), status)


def text(node: Tag | None) -> str:
    """The visible text of `node` (scripts and comments left out), whitespace collapsed."""
    assert node is not None, "no such element"
    return " ".join(node.get_text(" ").split())


def texts(page: Tag, selector: str) -> list[str]:
    """The text of every element that matches the CSS `selector`, in document order."""
    return [text(node) for node in page.select(selector)]


def flash_messages(page: Tag) -> list[str]:
    """The messages flashed by the previous request (`role="status"` alerts in base.html)."""
    return texts(page, "main .alert[role=status]")


def form_errors(page: Tag) -> list[str]:
    """The error summaries above forms (`form_errors` in macros/forms.html)."""
    return texts(page, "main .alert[role=alert]")


def alerts(page: Tag) -> list[str]:
    """Flashed messages and form error summaries together, in document order."""
    return texts(page, "main .alert")


def _control(page: Tag, name: str) -> Tag:
    node = page.find(["input", "textarea", "select"], attrs={"name": name})
    assert isinstance(node, Tag), f"no field named {name!r}"
    return node


def field_errors(page: Tag, name: str) -> list[str]:
    """The inline errors shown next to the field `name` (the `field` macro's `.error`)."""
    box = _control(page, name).find_parent(class_="field")
    assert isinstance(box, Tag), f"field {name!r} is not rendered by the field macro"
    return texts(box, ".error")


def field_value(page: Tag, name: str) -> str:
    """What the field `name` shows: an input's value, a textarea's text, a select's choice."""
    node = _control(page, name)
    if node.name == "textarea":
        value = node.get_text()
        # Browsers drop the newline that WTForms puts right after <textarea>.
        return value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
    if node.name == "select":
        chosen = node.find("option", selected=True) or node.find("option")
        return str(chosen.get("value", "")) if isinstance(chosen, Tag) else ""
    return str(node.get("value", ""))


def selected(page: Tag, name: str) -> list[str]:
    """The values chosen in the field `name`: checked boxes and radios, or selected options."""
    checked = page.find_all("input", attrs={"name": name, "checked": True})
    options = [option for select in page.find_all("select", attrs={"name": name})
               for option in select.find_all("option", selected=True)]
    return [str(node.get("value", "")) for node in [*checked, *options]]


def targets(page: Tag) -> list[str]:
    """Every place the page leads to: link `href`s and form `action`s."""
    return [str(node.get("href") or node.get("action"))
            for node in page.select("a[href], form[action]")]


def anywhere(page: Tag, needle: str) -> bool:
    """Whether `needle` occurs in any text (scripts and comments too) or attribute value; for
    asserting that something is absent, as strictly as a search of the raw markup."""
    if any(needle in str(string) for string in page.find_all(string=True)):
        return True
    for node in page.find_all(True):
        for value in node.attrs.values():
            if needle in (" ".join(value) if isinstance(value, list) else str(value)):
                return True
    return False
