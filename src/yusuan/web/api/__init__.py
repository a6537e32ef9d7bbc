"""The REST API under ``/api``: everything the pages do, as JSON, documented at ``/docs``.

Authenticate with a bearer token (``Authorization: Bearer ys_…``, from ``POST /api/auth/token``
or the account page) or with the browser session plus its ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from yusuan.web.api import accounts, analytics, audit, budget, documents, reviews


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
    reviews.router,
    audit.router,
    analytics.router,
    budget.router,
):
    router.include_router(chinese_summaries(part))
