"""CSRF protection: every unsafe request made with a session cookie must echo a secret token.

Signed-in browsers get their session's token in every form (hidden field ``csrf_token``) and in
a ``<meta name="csrf-token">`` for scripts (header ``X-CSRF-Token``). The sign-in form, made
before there is a session, uses a token derived from a random pre-session cookie (double submit,
signed with the application's secret). Requests with an API bearer token carry no cookie and
need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request

from yusuan.web.principal import Principal

FIELD = "csrf_token"
HEADER = "x-csrf-token"
PRE_COOKIE = "yusuan_pre"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfError(Exception):
    """The request's CSRF token is missing or wrong."""


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


async def submitted_token(request: Request) -> str | None:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORMS):
        form = await request.form()
        value = form.get(FIELD)
        return value if isinstance(value, str) else None
    return None


async def verify(request: Request, principal: Principal | None) -> None:
    """Raise ``CsrfError`` when an unsafe request made with a session lacks its token."""
    if request.method in SAFE_METHODS or principal is None or principal.via != "session":
        return
    if not same(await submitted_token(request), principal.csrf_token):
        raise CsrfError


class PreSessionTokens:
    """Tokens for forms shown before signing in, bound to the ``yusuan_pre`` cookie."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("csrf:" + secret).encode("utf-8")).digest()

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def token(self, cookie: str) -> str:
        return hmac.new(self._key, cookie.encode("utf-8"), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, submitted: str | None) -> bool:
        return bool(cookie) and same(self.token(cookie or ""), submitted)
