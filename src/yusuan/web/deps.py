"""FastAPI dependencies: the application context, who is asking, and the CSRF check.

``current_user`` is what every protected page and API route depends on: it resolves a bearer
token or the session cookie, raises ``NotSignedIn`` (a page redirects to the sign-in form, the
API answers 401) and verifies the CSRF token of every unsafe request made with a cookie.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from yusuan.web import csrf
from yusuan.web.auth import SESSION_COOKIE
from yusuan.web.context import AppContext
from yusuan.web.errors import Forbidden, NotSignedIn
from yusuan.web.principal import Principal

bearer = HTTPBearer(auto_error=False, description="API 令牌：Authorization: Bearer ys_…")


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.yusuan
    return ctx


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal | None:
    """The signed-in user, or None. A bearer token that is wrong is an error, not anonymous."""
    ctx = get_ctx(request)
    principal: Principal | None
    if credentials is not None:
        principal = ctx.auth.from_token(credentials.credentials)
        if principal is None:
            raise NotSignedIn("API 令牌无效、已过期或已撤销")
    else:
        principal = ctx.auth.from_cookie(request.cookies.get(SESSION_COOKIE))
    request.state.principal = principal
    return principal


async def current_user(
    request: Request, principal: Annotated[Principal | None, Depends(optional_user)]
) -> Principal:
    if principal is None:
        raise NotSignedIn
    try:
        await csrf.verify(request, principal)
    except csrf.CsrfError:
        raise Forbidden("安全校验失败（CSRF 令牌缺失或不正确），请刷新页面后重试") from None
    return principal


# Database ids in paths and queries: positive and within a 64-bit integer (SQLite's INTEGER and
# PostgreSQL's BIGINT), so that no request can make the database driver overflow.
MAX_ID = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]

Ctx = Annotated[AppContext, Depends(get_ctx)]
User = Annotated[Principal, Depends(current_user)]
MaybeUser = Annotated[Principal | None, Depends(optional_user)]
