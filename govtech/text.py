"""Markdown rendering and sanitising, in one place.

markdown-it-py renders with raw HTML disabled; nh3 (the Rust ammonia sanitiser) then keeps
only a small set of tags and http(s)/mailto links, so script tags, javascript: URLs and event
handlers never reach a page, whatever was typed.
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table").enable("strikethrough")

ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
                "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr",
                "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str | None) -> Markup:
    """Safe HTML for user-written Markdown."""
    html = _md.render(source or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")
    # sanitised by nh3 just above (bandit B704)
    return Markup(clean)  # nosec B704
