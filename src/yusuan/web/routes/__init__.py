"""The server-rendered pages, one module per area. ``ROUTERS`` is what ``create_app`` mounts;
a page added later (units and years, the budget editor) adds its router here."""

from __future__ import annotations

from fastapi import APIRouter

from yusuan.web.routes import (
    account,
    admin,
    auth,
    budget,
    doclist,
    documents,
    review,
    units,
    uploads,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    doclist.router,
    documents.router,
    uploads.router,
    review.router,
    account.router,
    admin.router,
    units.router,
    budget.router,
]
