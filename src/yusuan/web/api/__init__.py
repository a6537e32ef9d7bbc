"""The REST API under ``/api``: everything the pages do, as JSON, documented at ``/docs``.

Authenticate with a bearer token (``Authorization: Bearer ys_…``, from ``POST /api/auth/token``
or the account page) or with the browser session plus its ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from yusuan.web.api import (
    accounts,
    analytics,
    audit,
    batches,
    budget,
    documents,
    jobs,
    reviews,
    versions,
)
from yusuan.web.api.schemas import Message, Responses

# Any operation may refuse a request as a whole (400): a body that cannot be parsed, or content
# that breaks a rule the schema cannot express; documented once for all of them.
REFUSED: Responses = {
    400: {"model": Message, "description": "请求无效：请求体无法解析，或内容不符合规则"}
}


def chinese_summaries(part: APIRouter) -> APIRouter:
    """Each operation's summary in /docs: the first line of its (Chinese) docstring."""
    for route in part.routes:
        if isinstance(route, APIRoute) and route.summary is None and route.description:
            route.summary = route.description.strip().splitlines()[0].rstrip("。")
    return part


router = APIRouter(prefix="/api")
for part in (
    accounts.router,
    documents.router,
    jobs.router,
    batches.router,
    reviews.router,
    versions.router,
    audit.router,
    analytics.router,
    budget.router,
):
    router.include_router(chinese_summaries(part), responses=REFUSED)
