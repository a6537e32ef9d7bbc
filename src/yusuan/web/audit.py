"""The audit log: one entry per upload, edit, review, deletion, sign-in and account change.

Entries are written in the same transaction as the change they describe, so the log never
claims a change that was rolled back. Actions and details are stored with English keys (the API
returns them so); ``describe`` puts an entry in Chinese for the 审计日志 page, from the labels
here, the one place that names them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from yusuan.store.accounts import (
    DECISION_LABELS,
    REVIEW_LABELS,
    ROLE_LABELS,
    AuditEntry,
)
from yusuan.store.drafts import ORIGIN_LABELS
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
    "finding_review_carried": "沿用上一版审核决定",
    "finding_comments_carried": "沿用上一版评论",
    "finding_comment": "评论问题",
    "delete": "删除",
    "edit": "编辑",
    "user_create": "新建用户",
    "user_update": "修改用户",
    "password_change": "修改密码",
    "token_create": "创建令牌",
    "token_revoke": "撤销令牌",
    "regenerate": "生成公开文件",
    "rule_setting": "调整规则",
}

TARGET_LABELS = {
    "disclosure": "文件",
    "finding": "问题",
    "user": "用户",
    "unit": "单位",
    "upload": "上传",
    "token": "令牌",
    "budget_draft": "预算草稿",
    "rule": "规则",
}
DETAIL_LABELS = {
    "status": "状态",
    "previous": "原状态",
    "note": "审核意见",
    "decision": "处理结果",
    "reason": "理由",
    "comment": "评论",
    "disclosure": "文件",
    "rule": "规则",
    "name": "名称",
    "display_name": "显示名称",
    "role": "角色",
    "units": "单位",
    "active": "启用",
    "password": "密码",
    "changes": "修改",
    "created": "新建",
    "username": "用户名",
    "via": "途径",
    "file": "文件名",
    "message": "说明",
    "size": "大小（字节）",
    "kind": "类型",
    "pages": "页数",
    "unit": "单位",
    "year": "年度",
    "scope": "范围",
    "version": "版本",
    "change": "方式",
    "origin": "来源",
    "revision": "修订",
    "fields": "字段",
    "errors": "错误",
    "warnings": "警告",
    "formats": "格式",
    "enabled": "启用",
    "severity": "严重程度",
    "previous_enabled": "原启用",
    "previous_severity": "原严重程度",
    "previous_disclosure": "上一版文件",
    "previous_finding": "上一版问题",
    "previous_comments": "上一版评论数",
}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示", "None": "默认"}
UPLOAD_STATUS_LABELS = {"stored": "已入库", "duplicate": "已存在", "failed": "读取失败",
                        "rejected": "被拒绝"}  # fmt: skip
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": {**REVIEW_LABELS, **UPLOAD_STATUS_LABELS},
    "previous": REVIEW_LABELS,
    "decision": {**DECISION_LABELS, "None": "撤销处理"},
    "role": ROLE_LABELS,
    "origin": ORIGIN_LABELS,
    "via": {"api": "接口", "web": "网页"},
    "password": {"reset": "已重置"},
    "change": {"created": "新建", "replaced": "替换", "form": "在线填报"},
    "severity": SEVERITY_NAMES,
    "previous_severity": SEVERITY_NAMES,
}


@dataclass(slots=True)
class AuditView:
    """An audit entry as the 审计日志 page shows it, in Chinese."""

    at: datetime
    username: str
    action: str
    action_label: str
    target_type: str
    target_id: str
    target_label: str
    details: list[tuple[str, str]]  # (label, value), the empty ones left out
    ip: str | None


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_value(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_value(key, v) for v in value)
    text = str(value)
    if key == "change" and text.startswith("upload:"):
        return f"上传文件 {text[len('upload:') :]}"
    return VALUE_LABELS.get(key, {}).get(text, text)


def describe(entry: AuditEntry) -> AuditView:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        detail = {"message": entry.detail}
    if not isinstance(detail, dict):
        detail = {"message": detail}
    details = [
        (DETAIL_LABELS.get(k, k), _value(k, v))
        for k, v in detail.items()
        if (v is not None and v != "" and v != []) or k == "decision"
    ]
    target = TARGET_LABELS.get(entry.target_type, entry.target_type)
    return AuditView(
        entry.at, entry.username, entry.action, ACTION_LABELS.get(entry.action, entry.action),
        entry.target_type, entry.target_id, f"{target} {entry.target_id}".strip(), details,
        entry.ip,
    )  # fmt: skip


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
