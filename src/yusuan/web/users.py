"""Accounts: admins create users, set their role and units, reset passwords; everyone can change
their own password and manage their own API tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yusuan.names import normalize_name
from yusuan.store import schema as s
from yusuan.store.accounts import ROLES, ApiToken, Membership, User
from yusuan.web import access, audit
from yusuan.web.auth import digest as token_digest
from yusuan.web.auth import new_token, now
from yusuan.web.context import AppContext
from yusuan.web.errors import Conflict, Forbidden, Invalid, NotFound
from yusuan.web.passwords import generate_password, password_problem
from yusuan.web.principal import Principal

_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MAX_TOKEN_DAYS = 3650


@dataclass(slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    units: list[tuple[int, str]]


def _info(session: Session, user: User) -> UserInfo:
    units = session.execute(
        select(s.Unit.id, s.Unit.name)
        .join(Membership, Membership.unit_id == s.Unit.id)
        .where(Membership.user_id == user.id)
        .order_by(s.Unit.name)
    ).all()
    return UserInfo(user.id, user.username, user.display_name, user.role, user.active,
                    user.created_at, user.last_login_at, [(i, n) for i, n in units])  # fmt: skip


def list_users(ctx: AppContext, principal: Principal) -> list[UserInfo]:
    access.require_admin(principal)
    with ctx.store.reader() as session:
        return [_info(session, u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(ctx: AppContext, principal: Principal, user_id: int) -> UserInfo:
    if user_id != principal.user_id:
        access.require_admin(principal)
    with ctx.store.reader() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("没有这个用户")
        return _info(session, user)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid("角色只能是 admin（管理员）、reviewer（审核人员）或 unit（单位用户）")


def _set_units(session: Session, user: User, unit_ids: list[int]) -> None:
    wanted = set(unit_ids)
    known = set(session.scalars(select(s.Unit.id).where(s.Unit.id.in_(sorted(wanted)))))
    if wanted - known:
        raise Invalid(f"没有编号为 {'、'.join(map(str, sorted(wanted - known)))} 的单位")
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    for unit_id in sorted(wanted):
        session.add(Membership(user_id=user.id, unit_id=unit_id))


def create_user(
    ctx: AppContext, principal: Principal, username: str, display_name: str, role: str,
    password: str | None, unit_ids: list[int], ip: str | None = None,
) -> tuple[UserInfo, str | None]:  # fmt: skip
    """The new user, and the generated password when none was given (shown once)."""
    access.require_admin(principal)
    username = username.strip()
    if not _USERNAME.match(username):
        raise Invalid("用户名须为 2–64 个字母、数字或 _ . @ - 字符")
    _check_role(role)
    generated = None
    if not password:
        password = generated = generate_password()
    problem = password_problem(password)
    if problem:
        raise Invalid(problem)
    display_name = display_name.strip()[:100]
    hashed = ctx.passwords.hash(password)
    try:
        with ctx.store.session() as session:
            user = User(username=username, display_name=display_name, role=role,
                        password_hash=hashed, active=True)  # fmt: skip
            session.add(user)
            session.flush()
            _set_units(session, user, unit_ids)
            audit.record(session, principal, "user_create", "user", user.id, ip,
                         name=username, role=role, units=sorted(unit_ids))  # fmt: skip
            session.flush()
            info = _info(session, user)
    except IntegrityError as exc:
        raise Conflict(f"用户名“{username}”已存在") from exc
    return info, generated


def update_user(
    ctx: AppContext, principal: Principal, user_id: int, *, display_name: str | None = None,
    role: str | None = None, active: bool | None = None, unit_ids: list[int] | None = None,
    password: str | None = None, ip: str | None = None,
) -> UserInfo:  # fmt: skip
    access.require_admin(principal)
    if role is not None:
        _check_role(role)
    if password:
        problem = password_problem(password)
        if problem:
            raise Invalid(problem)
    with ctx.store.session() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("没有这个用户")
        changes: dict[str, object] = {}
        if user.id == principal.user_id and (active is False or role not in (None, "admin")):
            raise Forbidden("不能停用自己或取消自己的管理员角色")
        if display_name is not None and display_name.strip() != user.display_name:
            user.display_name = changes["display_name"] = display_name.strip()[:100]
        if role is not None and role != user.role:
            user.role = changes["role"] = role
        if active is not None and active != user.active:
            user.active = changes["active"] = active
            if not active:
                ctx.auth.end_user_sessions(session, user.id)
        if unit_ids is not None:
            _set_units(session, user, unit_ids)
            changes["units"] = sorted(set(unit_ids))
        if password:
            user.password_hash = ctx.passwords.hash(password)
            ctx.auth.end_user_sessions(session, user.id)
            changes["password"] = "reset"
        audit.record(session, principal, "user_update", "user", user.id, ip,
                     name=user.username, changes=changes)  # fmt: skip
        session.flush()
        return _info(session, user)


def change_password(
    ctx: AppContext, principal: Principal, old: str, new: str, ip: str | None
) -> None:
    problem = password_problem(new)
    if problem:
        raise Invalid(problem)
    with ctx.store.session() as session:
        user = session.get(User, principal.user_id)
        if user is None or not ctx.passwords.verify(user.password_hash, old):
            raise Invalid("原密码不正确")
        user.password_hash = ctx.passwords.hash(new)
        ctx.auth.end_user_sessions(session, user.id)
        audit.record(session, principal, "password_change", "user", user.id, ip)


# --- units --------------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitInfo:
    id: int
    name: str
    kind: str
    profile: str
    parent_id: int | None
    documents: int


def list_units(ctx: AppContext, principal: Principal) -> list[UnitInfo]:
    with ctx.store.reader() as session:
        counts = (
            select(s.Disclosure.unit_id, func.count().label("n"))
            .group_by(s.Disclosure.unit_id)
            .subquery()
        )
        query = (
            select(s.Unit, counts.c.n)
            .outerjoin(counts, counts.c.unit_id == s.Unit.id)
            .order_by(s.Unit.name)
        )
        if not principal.sees_all:
            query = query.where(s.Unit.id.in_(sorted(principal.unit_ids) or [-1]))
        return [
            UnitInfo(u.id, u.name, u.kind, u.profile, u.parent_id, n or 0)
            for u, n in session.execute(query).all()
        ]


def add_unit(
    ctx: AppContext, principal: Principal, name: str, profile: str = "shanxi",
    ip: str | None = None,
) -> UnitInfo:  # fmt: skip
    """A unit by name, created when no document has brought it in yet (to give it users)."""
    access.require_admin(principal)
    name = name.strip()
    normalized = normalize_name(name)
    if not normalized or len(name) > 200:
        raise Invalid("请填写单位名称（不超过 200 个字符）")
    with ctx.store.session() as session:
        query = select(s.Unit).where(s.Unit.profile == profile,
                                     s.Unit.normalized_name == normalized)  # fmt: skip
        unit = session.scalars(query).first()
        if unit is None:
            unit = s.Unit(name=name, normalized_name=normalized, profile=profile, kind="单位")
            session.add(unit)
            session.flush()
            audit.record(session, principal, "edit", "unit", unit.id, ip, created=name)
        return UnitInfo(unit.id, unit.name, unit.kind, unit.profile, unit.parent_id, 0)


# --- API tokens ---------------------------------------------------------------------------------


@dataclass(slots=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


def _token_info(t: ApiToken) -> TokenInfo:
    return TokenInfo(t.id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked)


def list_tokens(ctx: AppContext, principal: Principal) -> list[TokenInfo]:
    with ctx.store.reader() as session:
        query = select(ApiToken).where(ApiToken.user_id == principal.user_id)
        return [_token_info(t) for t in session.scalars(query.order_by(ApiToken.id.desc()))]


def create_token(
    ctx: AppContext, principal: Principal, name: str, days: int | None, ip: str | None,
    user_id: int | None = None,
) -> tuple[TokenInfo, str]:  # fmt: skip
    """A new token for the principal (or, from the password exchange, for ``user_id``); the
    token itself is returned once and never stored."""
    name = name.strip()[:100] or "API"
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise Invalid(f"有效期须在 1 到 {MAX_TOKEN_DAYS} 天之间")
    raw = new_token()
    with ctx.store.session() as session:
        token = ApiToken(
            user_id=user_id or principal.user_id, name=name, token_hash=token_digest(raw),
            prefix=raw[:10], created_at=now(),
            expires_at=now() + timedelta(days=days) if days else None,
        )  # fmt: skip
        session.add(token)
        session.flush()
        audit.record(session, principal, "token_create", "token", token.id, ip, name=name)
        info = _token_info(token)
    return info, raw


def revoke_token(ctx: AppContext, principal: Principal, token_id: int, ip: str | None) -> None:
    with ctx.store.session() as session:
        token = session.get(ApiToken, token_id)
        if token is None or (token.user_id != principal.user_id and not principal.is_admin):
            raise NotFound("没有这个令牌")
        token.revoked = True
        audit.record(session, principal, "token_revoke", "token", token.id, ip, name=token.name)
