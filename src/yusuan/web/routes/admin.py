"""Administration: users with their roles and units, units, the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from pydantic import Field
from sqlalchemy import select
from starlette.responses import Response

from yusuan.store.accounts import AuditEntry
from yusuan.web import access, audit, users
from yusuan.web.deps import MAX_ID, Ctx, PathId, User, client_ip
from yusuan.web.errors import Conflict, Invalid
from yusuan.web.routes.common import see_other
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False, prefix="/admin")
AUDIT_PAGE = 100


def _users_page(request: Request, ctx: Ctx, user: User, **extra: object) -> Response:
    context = {"users": users.list_users(ctx, user), "units": users.list_units(ctx, user),
               "created": None, "password": None, "error": ""}  # fmt: skip
    context.update(extra)
    return render(request, "users.html", context, 400 if extra.get("error") else 200)


@router.get("/users")
def user_list(request: Request, ctx: Ctx, user: User) -> Response:
    return _users_page(request, ctx, user)


@router.post("/users")
def user_create(
    request: Request, ctx: Ctx, user: User,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(pattern="^(admin|reviewer|unit)$")],
    display_name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    unit_ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None, Form()] = None,
) -> Response:  # fmt: skip
    try:
        info, generated = users.create_user(ctx, user, username, display_name, role,
                                            password or None, unit_ids or [],
                                            client_ip(request))  # fmt: skip
    except (Invalid, Conflict) as exc:
        return _users_page(request, ctx, user, error=exc.message)
    return _users_page(request, ctx, user, created=info, password=generated)


@router.get("/users/{user_id}")
def user_edit(request: Request, ctx: Ctx, user: User, user_id: PathId) -> Response:
    access.require_admin(user)
    return render(request, "user_edit.html", {
        "target": users.get_user(ctx, user, user_id), "units": users.list_units(ctx, user),
        "error": "",
    })  # fmt: skip


@router.post("/users/{user_id}")
def user_update(
    request: Request, ctx: Ctx, user: User, user_id: PathId,
    role: Annotated[str, Form(pattern="^(admin|reviewer|unit)$")],
    display_name: Annotated[str, Form(max_length=100)] = "",
    active: Annotated[str, Form(max_length=10)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    unit_ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None, Form()] = None,
) -> Response:  # fmt: skip
    try:
        users.update_user(ctx, user, user_id, display_name=display_name, role=role,
                          active=active == "on", unit_ids=unit_ids or [],
                          password=password or None, ip=client_ip(request))  # fmt: skip
    except Invalid as exc:
        return render(request, "user_edit.html", {
            "target": users.get_user(ctx, user, user_id), "units": users.list_units(ctx, user),
            "error": exc.message,
        }, 400)  # fmt: skip
    return see_other(f"/admin/users/{user_id}", "user_saved")


@router.post("/units")
def unit_add(
    request: Request, ctx: Ctx, user: User, name: Annotated[str, Form(max_length=200)],
) -> Response:  # fmt: skip
    try:
        users.add_unit(ctx, user, name, ip=client_ip(request))
    except Invalid as exc:
        return _users_page(request, ctx, user, error=exc.message)
    return see_other("/admin/users", "unit_added")


@router.get("/audit")
def audit_log(
    request: Request, ctx: Ctx, user: User,
    action: Annotated[str | None, Query(max_length=30)] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:  # fmt: skip
    access.require_admin(user)
    with ctx.store.reader() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        if action:
            query = query.where(AuditEntry.action == action)
        entries = list(session.scalars(query.limit(AUDIT_PAGE + 1).offset((page - 1) * AUDIT_PAGE)))
    rows = [audit.describe(e) for e in entries[:AUDIT_PAGE]]
    return render(request, "audit.html", {"entries": rows, "action": action or "", "page": page,
                                          "more": len(entries) > AUDIT_PAGE})  # fmt: skip
