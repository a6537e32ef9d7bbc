"""Administration of this deployment's rule settings: a rule off, or another severity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import Response

from yusuan.checks.engine import FAMILIES
from yusuan.web import rulesettings
from yusuan.web.deps import Ctx, User, client_ip
from yusuan.web.routes.common import see_other
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False, prefix="/admin")
RuleId = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]


@router.get("/rules")
def rule_list(request: Request, ctx: Ctx, user: User) -> Response:
    rows = rulesettings.rule_rows(ctx, user)
    return render(request, "rules.html", {
        "rules": rows, "families": FAMILIES, "changed": sum(r.changed for r in rows),
    })  # fmt: skip


@router.post("/rules/{rule}")
def rule_save(
    request: Request, ctx: Ctx, user: User, rule: RuleId,
    severity: Annotated[str, Form(pattern="^(error|warning|info)$")],
    enabled: Annotated[str, Form(max_length=10)] = "",
) -> Response:  # fmt: skip
    rulesettings.save(ctx, user, rule, enabled == "on", severity, client_ip(request))
    return see_other(f"/admin/rules#rule-{rule}", "rule_saved")
