"""What every view does the same way: submit a form to a service, and show a page of a list.

A view parses its form, calls `submit` with the service call, and either redirects (the change
is stored, a message flashed) or renders the form again with the service's refusal next to the
field it concerns and status 400. The transaction is the service's business
(`govtech.services.transaction`): a refusal has already been rolled back when it gets here.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from govtech.forms import attach_error
from govtech.services import paging
from govtech.services.errors import DomainError

T = TypeVar("T")


def save(form: FlaskForm, action: Callable[[], T], success: str | None = None) -> T | None:
    """Validate `form` and run `action`: its result (the saved record) when it worked, and
    `success` is flashed; None, with the errors on the form, when the form is invalid or the
    service refused."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        attach_error(form, error)
        form.refused_status = error.status  # type: ignore[attr-defined]
        return None
    if success:
        flash(success, "success")
    return result


def submit(form: FlaskForm, action: Callable[[], object], success: str | None = None) -> bool:
    """Like `save`, for a service call whose result the view does not need: whether it worked."""
    def worked() -> bool:
        action()
        return True

    return save(form, worked, success) is not None


def run(action: Callable[[], Any], success: str | None = None) -> bool:
    """A button without fields (already validated): flash the outcome, report whether it worked."""
    try:
        action()
    except DomainError as error:
        flash(error.message, "error")
        return False
    if success:
        flash(success, "success")
    return True


def status(*forms: FlaskForm) -> int:
    """400 when a submitted form carries errors, so tests and tools see the refusal."""
    return 400 if any(form.errors or form.form_errors for form in forms) else 200


def refusal_status(form: FlaskForm) -> int:
    """The service's own status for its refusal (401 for a refused login), else `status`."""
    return getattr(form, "refused_status", None) or status(form)


MAX_PAGE = 100_000


def page_number() -> int:
    """`?page=` as a page number: 1 when missing or not a number, 400 when out of range."""
    page = request.args.get("page", type=int)
    if page is None:
        return 1
    if not 1 <= page <= MAX_PAGE:
        abort(400, description=_("This page number is out of range."))
    return page


def list_page(query: Any, per_page: int = 20) -> paging.Pagination:
    """One page of a list query (the page number from `?page=`), with its total: counted in
    the page's own statement when the list is filtered (a search: both would find the same
    rows), by a separate COUNT when it is not (the whole table: LIMIT reads only the page)."""
    return paging.paginate(query, per_page=per_page, page=page_number(),
                           together=bool(list_args()))


def list_args(extra_skip: tuple[str, ...] = ()) -> Mapping[str, str]:
    """The list's current filters, for the paging links (without the page and language)."""
    skip = ("page", "lang", *extra_skip)
    return {k: v for k, v in request.args.items() if k not in skip and v}


def applied_filters(search: tuple[str, ...] = ("q",), ignore: tuple[str, ...] = ("sort",)) -> int:
    """How many of a list's folded filters hold a value (the search box and the sort order are
    shown or are no filter): the count in 「絞り込み（2件適用中）」. Read from the URL, no query."""
    skip = ("page", "lang", *search, *ignore)
    return sum(1 for key, value in request.args.items(multi=True) if key not in skip and value)


def confirmed_first(action: Callable[[], T], needed: bool = True) -> Callable[[], T]:
    """`action`, run only when the form's confirmation box (`confirm`, naming the object) is
    ticked, where `needed` (a destructive action: archive, suspend, disable, cancel, withdraw).
    Otherwise a refusal shown like any other, the page again with its fields kept."""
    def checked() -> T:
        if needed and request.form.get("confirm") != "yes":
            raise DomainError(_("Nothing was changed: tick the box to confirm first."))
        return action()
    return checked
