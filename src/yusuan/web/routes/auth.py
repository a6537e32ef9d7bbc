"""Signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from yusuan.web import audit
from yusuan.web.auth import SESSION_COOKIE
from yusuan.web.csrf import PRE_COOKIE
from yusuan.web.deps import Ctx, MaybeUser, User, client_ip
from yusuan.web.errors import TooManyAttempts
from yusuan.web.routes.common import local_target, see_other
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(user: MaybeUser) -> RedirectResponse:
    return RedirectResponse("/documents" if user else "/login", status_code=303)


def _login_page(
    request: Request, ctx: Ctx, next_: str, error: str = "", username: str = "", status: int = 200
) -> Response:
    pre = request.cookies.get(PRE_COOKIE) or ctx.pre_tokens.new_cookie()
    response = render(
        request, "login.html",
        {"login_token": ctx.pre_tokens.token(pre), "next": local_target(next_), "error": error,
         "username": username},
        status,
    )  # fmt: skip
    response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="lax", path="/",
                        secure=ctx.settings.cookie_secure)  # fmt: skip
    return response


@router.get("/login")
def login_form(request: Request, ctx: Ctx, user: MaybeUser, next: str = "") -> Response:
    if user is not None:
        return see_other(local_target(next))
    return _login_page(request, ctx, next)


@router.post("/login")
def login(
    request: Request,
    ctx: Ctx,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    ip = client_ip(request)
    if not ctx.pre_tokens.valid(request.cookies.get(PRE_COOKIE), csrf_token):
        return _login_page(request, ctx, next, "页面已过期，请重新登录", username, 403)
    wait = ctx.limiter.retry_after(username, ip)
    if wait is not None:
        with ctx.store.session() as session:
            audit.record(session, None, "login_blocked", "user", "", ip, username=username)
        response = _login_page(request, ctx, next, TooManyAttempts(wait).message, username, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = ctx.auth.check_password(username, password)
    if user is None:
        ctx.limiter.failed(username, ip)
        with ctx.store.session() as session:
            audit.record(session, None, "login_failed", "user", "", ip, username=username)
        return _login_page(request, ctx, next, "用户名或密码不正确", username, 401)
    ctx.limiter.succeeded(username, ip)
    started = ctx.auth.start_session(user, ip)
    with ctx.store.session() as session:
        audit.record(session, started.principal, "login", "user", user.id, ip)
    response = see_other(local_target(next))
    response.set_cookie(
        SESSION_COOKIE, started.cookie, max_age=int(ctx.settings.session_hours * 3600),
        httponly=True, samesite="lax", secure=ctx.settings.cookie_secure, path="/",
    )  # fmt: skip
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, ctx: Ctx, user: User) -> Response:
    ctx.auth.end_session(user)
    with ctx.store.session() as session:
        audit.record(session, user, "logout", "user", user.user_id, client_ip(request))
    response = see_other("/login", "logged_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
