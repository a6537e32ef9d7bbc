"""The server-rendered pages, one module per area. ``ROUTERS`` is what ``create_app`` mounts;
a page added later (units and years, the budget editor) adds its router here."""

from __future__ import annotations

from fastapi import APIRouter

from yusuan.web.routes import (
    account,
    admin,
    auth,
    batches,
    budget,
    doclist,
    documents,
    review,
    rules,
    units,
    uploads,
    versions,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    doclist.router,
    documents.router,
    uploads.router,
    batches.router,
    review.router,
    versions.router,
    account.router,
    admin.router,
    rules.router,
    units.router,
    budget.router,
]
