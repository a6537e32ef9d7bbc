"""Who may see which documents: admins and reviewers all, unit users their own units' only.

Every query for disclosures goes through ``visible``; a document the user may not see is
reported as not found (404), so its existence is not revealed either.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, false
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.web.errors import Forbidden, NotFound
from yusuan.web.principal import Principal

Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])


def visible(query: Q, principal: Principal) -> Q:
    """``query`` (over ``Disclosure``) narrowed to what ``principal`` may see."""
    if principal.sees_all:
        return query
    if not principal.unit_ids:
        return query.where(false())
    return query.where(s.Disclosure.unit_id.in_(sorted(principal.unit_ids)))


def may_see_unit(principal: Principal, unit_id: int) -> bool:
    return principal.sees_all or unit_id in principal.unit_ids


def disclosure(session: Session, principal: Principal, disclosure_id: int) -> s.Disclosure:
    found = session.get(s.Disclosure, disclosure_id)
    if found is None or not may_see_unit(principal, found.unit_id):
        raise NotFound("未找到该文件，或您没有权限查看")
    return found


def require_reviewer(principal: Principal) -> None:
    if not principal.can_review:
        raise Forbidden("只有审核人员可以执行此操作")


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("只有管理员可以执行此操作")
