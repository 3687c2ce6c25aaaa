"""The simulated people of the load test (locust users): who they are and what they do.

Each signed-in user logs in once, through the real login form (and the two-step code for
managers), and keeps its session. Pages are named by what they are, not by their URL with ids.
A page counts as an error unless it answers 200 (no redirect to the login page); a form post
counts as an error unless it lands on a page with the success message and no error message.

The load generator plays the TLS-terminating proxy in front of gunicorn: it sends
X-Forwarded-Proto: https and X-Forwarded-For (the app runs with PROXY_FIX_HOPS=1), and sends
the session cookie back although it is `Secure` (a browser would, over https to the proxy).
"""
from __future__ import annotations

import html
import itertools
import random
import re
from dataclasses import dataclass, field
from http.cookiejar import Cookie, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlencode

import gevent
from flask import Flask
from gevent.event import Event
from locust import FastHttpUser, between, task

from tools import load_plan

ERROR_MARKUP = ('class="alert alert--error"', 'class="error"')
SUCCESS_MARKUP = 'class="alert alert--success"'
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_INPUT = re.compile(r"<input\b([^>]*)>", re.S)
_ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')
_ALERT = re.compile(r'class="(?:alert alert--error|error)"[^>]*>(.*?)</', re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass
class Shared:
    """What every simulated user reads: the plan, the app (for two-step codes), and the state
    shared between users: which account the next user takes, sessions of accounts already
    signed in, and the first error details."""

    plan: load_plan.Plan
    app: Flask
    public_url: str  # what the proxy's users see: https://127.0.0.1:port
    next_slot: dict[str, itertools.count] = field(default_factory=dict)
    sessions: dict[str, list[Cookie]] = field(default_factory=dict)
    signing_in: dict[str, Event] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    started: int = 0  # users whose on_start (sign-in) is over

    def account(self, role: str) -> load_plan.Account:
        accounts = self.plan.accounts[role]
        if not accounts:
            raise RuntimeError(f"No {role} account can sign in")
        slot = next(self.next_slot.setdefault(role, itertools.count()))
        return accounts[slot % len(accounts)]

    def note(self, detail: str) -> None:
        if len(self.details) < 10:
            self.details.append(detail)


STATE: Shared | None = None


def shared() -> Shared:
    assert STATE is not None, "tools.load_run sets the shared state before starting users"
    return STATE


class BehindProxy(DefaultCookiePolicy):
    """Return Secure cookies over the plain-http hop too: the proxy's users use https."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


def forms(page: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Every form of a page: its attributes and its named input values (hidden ones matter)."""
    found = []
    for attrs, body in _FORM.findall(page):
        inputs = {}
        for tag in _INPUT.findall(body):
            values = {k: html.unescape(v) for k, v in _ATTR.findall(tag)}
            if "name" in values:
                inputs[values["name"]] = values.get("value", "")
        found.append(({k: html.unescape(v) for k, v in _ATTR.findall(attrs)}, inputs))
    return found


def explain(body: str) -> str:
    message = _ALERT.search(body) or _TITLE.search(body)
    text = re.sub(r"<[^>]+>|\s+", " ", message.group(1)).strip() if message else ""
    return text[:160]


class Visitor(FastHttpUser):
    """What every simulated user shares: requests, forms, signing in (no tasks here)."""

    abstract = True
    role: str | None = None
    wait_time = between(0.5, 1.5)
    default_headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1",
                       "Accept-Language": "ja"}
    account: load_plan.Account | None = None

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(BehindProxy())
        try:
            if self.role:
                self.account = shared().account(self.role)
                self.sign_in()
        finally:
            shared().started += 1

    # --- requests --------------------------------------------------------------------------

    def page(self, path: str, name: str) -> str | None:
        """GET a page; its body, or None (an error is recorded) unless it answered 200."""
        label = f"{self.role or 'public'}: {name}"
        with self.client.get(path, name=label, catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                detail = f"{label} {path}: {response.status_code} {where}".strip()
                shared().note(detail)
                response.failure(detail)
                return None
            return response.text

    def post(self, path: str, fields: dict[str, Any], name: str, referer: str,
             expect_redirect: bool = False) -> bool:
        """POST a form as a browser does (its page as Referer: CSRF checks it over https)."""
        label = f"{self.role or 'public'}: {name}"
        headers = {"Referer": shared().public_url + referer,
                   "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(path, data=urlencode(fields), name=label, headers=headers,
                              catch_response=True, allow_redirects=not expect_redirect
                              ) as response:
            body = response.text or ""
            if expect_redirect:
                ok = response.status_code in (302, 303)
            else:
                ok = (response.status_code == 200 and SUCCESS_MARKUP in body
                      and not any(marker in body for marker in ERROR_MARKUP))
            if not ok:
                detail = f"{label} {path}: {response.status_code} {explain(body)}"
                shared().note(detail)
                response.failure(detail)
            return ok

    def submit(self, page_path: str, page_name: str, action: str, name: str,
               choose=None, expect_redirect: bool = False, **values: Any) -> bool:
        """Open the page, find its form for `action` (the one `choose` accepts), fill in
        `values` beside its hidden fields (CSRF token, version) and send it."""
        body = self.page(page_path, page_name)
        if body is None:
            return False
        for attrs, inputs in forms(body):
            if attrs.get("action", page_path) == action and (choose is None or choose(inputs)):
                return self.post(action, {**inputs, **values}, name, page_path,
                                 expect_redirect=expect_redirect)
        detail = f"{self.role}: {name}: no form for {action} on {page_path}"
        shared().note(detail)
        self.environment.events.request.fire(
            request_type="POST", name=f"{self.role}: {name}", response_time=0,
            response_length=0, exception=RuntimeError(detail), context={})
        return False

    # --- signing in ---------------------------------------------------------------------------

    def sign_in(self) -> None:
        """Log in once per account; a second user of the same account (managers are few)
        shares its session, as a second browser tab would."""
        assert self.account is not None
        state, email = shared(), self.account.email
        if email in state.signing_in:
            state.signing_in[email].wait()
        else:
            state.signing_in[email] = Event()
            try:
                if self._log_in():
                    state.sessions[email] = list(self.client.cookiejar)
            finally:
                state.signing_in[email].set()
        for cookie in state.sessions.get(email, []):
            self.client.cookiejar.set_cookie(cookie)
        if email not in state.sessions:
            self.stop()

    def _log_in(self) -> bool:
        assert self.account is not None
        if not self.submit("/login", "login form", "/login", "log in", expect_redirect=True,
                           email=self.account.email, password=shared().plan.password):
            return False
        if self.role != "manager":
            return True
        while True:
            code, wait = load_plan.totp_code(shared().app, self.account.user_id)
            if code:
                break
            gevent.sleep(wait)  # this step's code was used by an earlier run: the next one
        return self.submit("/login/code", "login code form", "/login/code", "log in code",
                           expect_redirect=True, code=code)


class Anonymous(Visitor):
    """Someone not signed in: the front page, the open challenges, searching them."""

    weight = 3

    @task(2)
    def front_page(self) -> None:
        self.page("/", "front page")

    @task(3)
    def challenge_list(self) -> None:
        self.page("/challenges/", "challenge list")

    @task(4)
    def challenge_search(self) -> None:
        word = random.choice(shared().plan.words)
        self.page(f"/challenges/?{urlencode({'q': word})}", "challenge search")

    @task(3)
    def challenge(self) -> None:
        ids = shared().plan.open_challenges
        if ids:
            self.page(f"/challenges/{random.choice(ids)}", "challenge")

