"""Where a webhook may point: https only, no credentials, and (in production) no private,
loopback or link-local address, so a registered URL cannot make the server call into its own
network (SSRF). The host is resolved and every address it resolves to is checked, when the hook
is saved and again before each delivery (a name can be re-pointed after it was registered).

`WEBHOOK_ALLOW_LOCAL` (config) lets development and tests use http://127.0.0.1 and localhost;
it defaults to on for the test and development configurations and off in production.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from govtech.services.errors import DomainError

MAX_URL = 500
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def allow_local() -> bool:
    configured = current_app.config.get("WEBHOOK_ALLOW_LOCAL")
    if configured is not None:
        return bool(configured)
    return current_app.config.get("CONFIG_NAME") != "production"


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="url")


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise _refuse(_("The address's host name could not be found.")) from error
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not address.is_multicast


def check(url: str, *, resolve: bool = True) -> str:
    """The URL, cleaned, if a webhook may be sent to it; DomainError (field "url") otherwise."""
    url = (url or "").strip()
    if not url:
        raise _refuse(_("Enter the address the events are sent to."))
    if len(url) > MAX_URL:
        raise _refuse(_("The address is too long (at most %(n)d characters).", n=MAX_URL))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _refuse(_("This is not a valid address.")) from error
    host = (parts.hostname or "").lower()
    local = host in LOCAL_HOSTS and allow_local()
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise _refuse(_("The address must start with https://."))
    if not host:
        raise _refuse(_("This is not a valid address."))
    if parts.username or parts.password:
        raise _refuse(_("The address must not contain a user name or password; the signature "
                        "tells your server that the request is ours."))
    if parts.fragment:
        raise _refuse(_("The address must not contain a # fragment."))
    if local or not resolve:
        return url
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses or not all(_public(address) for address in addresses):
        raise _refuse(_("The address points to a private or local network; webhooks are only "
                        "sent to public servers."))
    return url
