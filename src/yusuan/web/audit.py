"""The audit log: one entry per upload, edit, review, deletion, sign-in and account change.

Entries are written in the same transaction as the change they describe, so the log never
claims a change that was rolled back.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from yusuan.store.accounts import AuditEntry
from yusuan.web.principal import Principal

ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_blocked": "登录受限",
    "logout": "退出",
    "upload": "上传",
    "upload_rejected": "上传被拒",
    "upload_failed": "上传读取失败",
    "review": "审核",
    "finding_review": "审核问题",
    "delete": "删除",
    "edit": "编辑",
    "user_create": "新建用户",
    "user_update": "修改用户",
    "password_change": "修改密码",
    "token_create": "创建令牌",
    "token_revoke": "撤销令牌",
    "regenerate": "生成公开文件",
}


def record(
    session: Session,
    who: Principal | None,
    action: str,
    target_type: str = "",
    target_id: object = "",
    ip: str | None = None,
    username: str | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            user_id=who.user_id if who and who.user_id else None,  # 0: the command line
            username=(who.username if who else username or "")[:64],
            action=action,
            target_type=target_type,
            target_id=str(target_id)[:40],
            detail=json.dumps(detail, ensure_ascii=False, default=str),
            ip=ip,
        )
    )
