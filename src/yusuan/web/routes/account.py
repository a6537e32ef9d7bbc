"""One's own account: change the password, create and revoke API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from yusuan.web import users
from yusuan.web.auth import SESSION_COOKIE
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.errors import Invalid
from yusuan.web.routes.common import see_other
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, ctx: Ctx, user: User, **extra: object) -> Response:
    context = {
        "tokens": users.list_tokens(ctx, user),
        "me": users.get_user(ctx, user, user.user_id),
        "new_token": None,
        "error": "",
    }
    context.update(extra)
    return render(request, "account.html", context, 400 if extra.get("error") else 200)


@router.get("/account")
def account(request: Request, ctx: Ctx, user: User) -> Response:
    return _page(request, ctx, user)


@router.post("/account/password")
def change_password(
    request: Request, ctx: Ctx, user: User,
    old_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
    confirm_password: Annotated[str, Form(max_length=1000)],
) -> Response:  # fmt: skip
    if new_password != confirm_password:
        return _page(request, ctx, user, error="两次输入的新密码不一致")
    try:
        users.change_password(ctx, user, old_password, new_password, client_ip(request))
    except Invalid as exc:
        return _page(request, ctx, user, error=exc.message)
    response = see_other("/login", "password_changed")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens")
def create_token(
    request: Request, ctx: Ctx, user: User,
    name: Annotated[str, Form(max_length=100)] = "",
    days: Annotated[int | None, Form(ge=1, le=users.MAX_TOKEN_DAYS)] = None,
) -> Response:  # fmt: skip
    _, raw = users.create_token(ctx, user, name, days, client_ip(request))
    return _page(request, ctx, user, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, ctx: Ctx, user: User, token_id: PathId) -> Response:
    users.revoke_token(ctx, user, token_id, client_ip(request))
    return see_other("/account", "token_revoked")
