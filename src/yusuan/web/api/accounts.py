"""API: tokens (by password or for oneself), the current user, users and units (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from yusuan.web import audit, users
from yusuan.web.api.schemas import (
    Me,
    NewToken,
    PasswordChange,
    Responses,
    TokenCreate,
    TokenInfo,
    TokenRequest,
    UnitCreate,
    UnitOut,
    UnitRef,
    UserCreate,
    UserCreated,
    UserOut,
    UserUpdate,
)
from yusuan.web.auth import principal_for
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.errors import NotSignedIn, TooManyAttempts

router = APIRouter()
AUTH: Responses = {401: {"description": "未登录或令牌无效"}}
ADMIN: Responses = {**AUTH, 403: {"description": "需要管理员角色"}}


def _user_out(info: users.UserInfo) -> UserOut:
    return UserOut(
        id=info.id, username=info.username, display_name=info.display_name,
        role=info.role,
        active=info.active, created_at=info.created_at, last_login_at=info.last_login_at,
        units=[UnitRef(id=i, name=n) for i, n in info.units],
    )  # fmt: skip


@router.post(
    "/auth/token", response_model=NewToken, status_code=201, tags=["登录与令牌"],
    responses={401: {"description": "用户名或密码不正确"}, 429: {"description": "尝试过多"}},
)  # fmt: skip
def token_by_password(body: TokenRequest, request: Request, ctx: Ctx) -> NewToken:
    """用用户名和密码换取 API 令牌（与网页登录共用失败次数限制）。"""
    ip = client_ip(request)
    wait = ctx.limiter.retry_after(body.username, ip)
    if wait is not None:
        with ctx.store.session() as session:
            audit.record(session, None, "login_blocked", "user", "", ip, username=body.username)
        raise TooManyAttempts(wait)
    user = ctx.auth.check_password(body.username, body.password)
    if user is None:
        ctx.limiter.failed(body.username, ip)
        with ctx.store.session() as session:
            audit.record(session, None, "login_failed", "user", "", ip, username=body.username,
                         via="api")  # fmt: skip
        raise NotSignedIn("用户名或密码不正确")
    ctx.limiter.succeeded(body.username, ip)
    with ctx.store.reader() as session:
        principal = principal_for(session, user, "token")
    info, raw = users.create_token(ctx, principal, body.name, body.days, ip)
    return NewToken(token=raw, info=TokenInfo.model_validate(info))


@router.get("/me", response_model=Me, tags=["登录与令牌"], responses=AUTH)
def me(user: User) -> Me:
    """当前用户：角色及可查看的单位。"""
    return Me(id=user.user_id, username=user.username, display_name=user.display_name,
              role=user.role, unit_ids=sorted(user.unit_ids),
              via=user.via)  # fmt: skip


@router.post("/me/password", status_code=204, tags=["登录与令牌"], responses=AUTH)
def change_password(body: PasswordChange, request: Request, ctx: Ctx, user: User) -> Response:
    """修改自己的密码；所有网页会话随之失效。"""
    users.change_password(ctx, user, body.old_password, body.new_password, client_ip(request))
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenInfo], tags=["登录与令牌"], responses=AUTH)
def list_tokens(ctx: Ctx, user: User) -> list[TokenInfo]:
    """自己的 API 令牌（不含令牌本身）。"""
    return [TokenInfo.model_validate(t) for t in users.list_tokens(ctx, user)]


@router.post("/tokens", response_model=NewToken, status_code=201, tags=["登录与令牌"],
             responses=AUTH)  # fmt: skip
def create_token(body: TokenCreate, request: Request, ctx: Ctx, user: User) -> NewToken:
    """创建 API 令牌；令牌只在此响应中出现一次。"""
    info, raw = users.create_token(ctx, user, body.name, body.days, client_ip(request))
    return NewToken(token=raw, info=TokenInfo.model_validate(info))


@router.delete("/tokens/{token_id}", status_code=204, tags=["登录与令牌"],
               responses={**AUTH, 404: {"description": "没有这个令牌"}})  # fmt: skip
def revoke_token(token_id: PathId, request: Request, ctx: Ctx, user: User) -> Response:
    """撤销令牌。"""
    users.revoke_token(ctx, user, token_id, client_ip(request))
    return Response(status_code=204)


@router.get("/users", response_model=list[UserOut], tags=["用户与单位"], responses=ADMIN)
def list_users(ctx: Ctx, user: User) -> list[UserOut]:
    """全部用户（管理员）。"""
    return [_user_out(u) for u in users.list_users(ctx, user)]


@router.post("/users", response_model=UserCreated, status_code=201, tags=["用户与单位"],
             responses={**ADMIN, 400: {"description": "参数无效"},
                        409: {"description": "用户名已存在"}})  # fmt: skip
def create_user(body: UserCreate, request: Request, ctx: Ctx, user: User) -> UserCreated:
    """新建用户（管理员）；不指定密码时生成随机密码并返回一次。"""
    info, generated = users.create_user(ctx, user, body.username, body.display_name, body.role,
                                        body.password, body.unit_ids,
                                        client_ip(request))  # fmt: skip
    return UserCreated(user=_user_out(info), password=generated)


@router.get("/users/{user_id}", response_model=UserOut, tags=["用户与单位"],
            responses={**ADMIN, 404: {"description": "没有这个用户"}})  # fmt: skip
def get_user(user_id: PathId, ctx: Ctx, user: User) -> UserOut:
    """一个用户（管理员，或本人）。"""
    return _user_out(users.get_user(ctx, user, user_id))


@router.patch("/users/{user_id}", response_model=UserOut, tags=["用户与单位"],
              responses={**ADMIN, 400: {"description": "参数无效"},
                         404: {"description": "没有这个用户"}})  # fmt: skip
def update_user(
    user_id: PathId, body: UserUpdate, request: Request, ctx: Ctx, user: User
) -> UserOut:
    """修改用户的名称、角色、状态、所属单位或重置密码（管理员）。"""
    return _user_out(users.update_user(
        ctx, user, user_id, display_name=body.display_name, role=body.role, active=body.active,
        unit_ids=body.unit_ids, password=body.password, ip=client_ip(request),
    ))  # fmt: skip


@router.get("/units", response_model=list[UnitOut], tags=["用户与单位"], responses=AUTH)
def list_units(ctx: Ctx, user: User) -> list[UnitOut]:
    """可查看的单位及其文件数。"""
    return [UnitOut(id=u.id, name=u.name, kind=u.kind, profile=u.profile,
                    parent_id=u.parent_id, documents=u.documents)
            for u in users.list_units(ctx, user)]  # fmt: skip


@router.post("/units", response_model=UnitOut, status_code=201, tags=["用户与单位"],
             responses={**ADMIN, 400: {"description": "参数无效"}})  # fmt: skip
def add_unit(body: UnitCreate, request: Request, ctx: Ctx, user: User) -> UnitOut:
    """按名称添加单位（管理员），以便在其文件上传前为其分配用户。"""
    u = users.add_unit(ctx, user, body.name, ip=client_ip(request))
    return UnitOut(id=u.id, name=u.name, kind=u.kind, profile=u.profile, parent_id=u.parent_id,
                   documents=u.documents)  # fmt: skip
