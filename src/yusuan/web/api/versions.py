"""API: a document's changes against its previous version, and the deployment's rule settings."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from yusuan.web import rulesettings, versions
from yusuan.web.api.schemas import Body, Responses
from yusuan.web.deps import Ctx, PathId, User, client_ip

router = APIRouter(tags=["版本与规则"])
RESPONSES: Responses = {
    401: {"description": "未登录或令牌无效"},
    403: {"description": "需要管理员角色"},
    404: {"description": "未找到，或无权查看，或没有上一版本"},
}


class DiffItemOut(BaseModel):
    status: str = Field(description="resolved（已解决）、open（仍存在）或 new（新增）")
    status_label: str
    rule: str
    severity: str
    severity_label: str
    title: str
    message: str
    finding_id: int | None
    previous_id: int | None
    previous_message: str
    previous_decision: str | None
    previous_decision_label: str
    previous_reason: str


class VersionDiffOut(BaseModel):
    disclosure_id: int
    version: int
    previous_id: int
    previous_version: int
    counts: dict[str, int]
    items: list[DiffItemOut]


@router.get("/documents/{disclosure_id}/changes", response_model=VersionDiffOut,
            responses=RESPONSES)  # fmt: skip
def changes(disclosure_id: PathId, ctx: Ctx, user: User) -> VersionDiffOut:
    """与上一版本比较：上一版本的问题已解决或仍存在，本版本新增的问题。"""
    found = versions.diff(ctx, user, disclosure_id)
    return VersionDiffOut(
        disclosure_id=found.disclosure_id, version=found.version,
        previous_id=found.previous_id, previous_version=found.previous_version,
        counts=found.counts, items=[DiffItemOut.model_validate(asdict(i)) for i in found.items],
    )  # fmt: skip


class RuleOut(BaseModel):
    id: str
    family: str
    title: str
    explanation: str
    profiles: str
    default: str
    enabled: bool
    severity: str
    changed: bool


class RuleSettingIn(Body):
    enabled: bool = True
    severity: str | None = Field(default=None, pattern="^(error|warning|info)$")


@router.get("/rules", response_model=list[RuleOut], responses=RESPONSES)
def rules(ctx: Ctx, user: User) -> list[RuleOut]:
    """全部检查规则及本部署的设置（管理员）。"""
    return [RuleOut.model_validate(asdict(r)) for r in rulesettings.rule_rows(ctx, user)]


@router.put("/rules/{rule}", status_code=204, responses=RESPONSES)
def set_rule(
    rule: str, body: RuleSettingIn, request: Request, ctx: Ctx, user: User
) -> Response:  # fmt: skip
    """停用或启用一条规则、调整其严重程度（管理员），记入审计日志。"""
    rulesettings.save(ctx, user, rule[:40], body.enabled, body.severity, client_ip(request))
    return Response(status_code=204)
