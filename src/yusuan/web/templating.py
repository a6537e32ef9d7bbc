"""Server-rendered pages: one Jinja2 environment with autoescaping for every template, so all
document text (unit names, labels, messages, file names) is shown as text, never as markup."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from yusuan.store.accounts import DECISION_LABELS, REVIEW_LABELS, ROLE_LABELS
from yusuan.version import __version__
from yusuan.web.audit import ACTION_LABELS
from yusuan.web.principal import Principal
from yusuan.web.settings import human_size

# The navigation bar: (path, label, who sees it). Pages added later append here.
NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("/documents", "文件", ("admin", "reviewer", "unit")),
    ("/upload", "上传", ("admin", "reviewer", "unit")),
    ("/batches", "批次", ("admin", "reviewer", "unit")),
    ("/queue", "审核队列", ("admin", "reviewer", "unit")),
    ("/units", "单位与年度", ("admin", "reviewer", "unit")),
    ("/budget", "编制预算", ("admin", "reviewer", "unit")),
    ("/admin/users", "用户管理", ("admin",)),
    ("/admin/audit", "审计日志", ("admin",)),
    ("/admin/rules", "规则设置", ("admin",)),
]

# Short Chinese notices shown after a redirect (``?msg=key``): fixed texts, never echoed input.
MESSAGES = {
    "saved": "已保存",
    "review_saved": "审核结果已保存",
    "decision_saved": "处理结果已保存",
    "comment_saved": "评论已发表",
    "rule_saved": "规则设置已保存",
    "deleted": "文件已删除",
    "user_created": "用户已创建",
    "user_saved": "用户已更新",
    "password_changed": "密码已修改，请重新登录",
    "token_revoked": "令牌已撤销",
    "logged_out": "已退出登录",
    "unit_added": "单位已添加",
}


def _when(value: datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:  # stored in UTC; SQLite gives it back without its zone
        value = value.replace(tzinfo=UTC)
    value = value.astimezone()  # the server's local time
    return value.strftime("%Y-%m-%d %H:%M")


def _size(value: int | None) -> str:
    return "—" if value is None else human_size(value)


def _year(value: int | None) -> str:
    return f"{value}年" if value else "年度不详"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("yusuan.web", "templates"),
        autoescape=True,  # every template: document text is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=_when, size=_size, year=_year, urlquote=lambda v: quote(str(v)))
    env.globals.update(
        version=__version__,
        role_labels=ROLE_LABELS,
        review_labels=REVIEW_LABELS,
        decision_labels=DECISION_LABELS,
        action_labels=ACTION_LABELS,
    )
    return env


def fragment(name: str, **context: Any) -> Markup:
    """A part of a page rendered on its own (escaped like every template), to be cached and
    placed into pages as it is."""
    return Markup(environment().get_template(name).render(context))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    principal: Principal | None = getattr(request.state, "principal", None)
    ctx = request.app.state.yusuan
    message = MESSAGES.get(request.query_params.get("msg", ""), "")
    values = {
        "request": request,
        "user": principal,
        "csrf_token": principal.csrf_token if principal else "",
        "nav": [item for item in NAV if principal and principal.role in item[2]],
        "path": request.url.path,
        "title": ctx.settings.title,
        "message": message,
    }
    values.update(context or {})
    html = environment().get_template(name).render(values)
    return HTMLResponse(html, status_code=status)
