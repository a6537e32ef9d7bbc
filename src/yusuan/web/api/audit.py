"""API: the audit log (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from yusuan.store.accounts import AuditEntry
from yusuan.web import access
from yusuan.web.api.schemas import AuditOut
from yusuan.web.deps import Ctx, User

router = APIRouter(tags=["审计日志"])


@router.get(
    "/audit",
    response_model=list[AuditOut],
    responses={401: {"description": "未登录"}, 403: {"description": "需要管理员角色"}},
)
def audit_log(
    ctx: Ctx, user: User,
    action: Annotated[str | None, Query(max_length=30)] = None,
    target_type: Annotated[str | None, Query(max_length=20)] = None,
    target_id: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[AuditOut]:  # fmt: skip
    """审计日志，最新的在前（管理员）。"""
    access.require_admin(user)
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    with ctx.store.reader() as session:
        entries = session.scalars(query.limit(limit).offset(offset))
        return [AuditOut.model_validate(e) for e in entries]
