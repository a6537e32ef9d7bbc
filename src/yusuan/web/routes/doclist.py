"""The list of documents: filters, search by unit or file name, sorting by column and pages
of ``PAGE_SIZE``, all done by the database and kept in the URL."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from yusuan.web import documents as service
from yusuan.web.deps import Ctx, QueryId, User
from yusuan.web.templating import render
from yusuan.web.users import list_units

router = APIRouter(include_in_schema=False)
SORT = "^(" + "|".join(service.SORTS) + ")$"
# the columns that sort from the largest first when first clicked
DESCENDING_FIRST = {"year", "errors", "warnings", "uploaded"}


@router.get("/documents")
def document_list(
    request: Request,
    ctx: Ctx,
    user: User,
    status: Annotated[str | None, Query(pattern="^(pending|reviewed|returned)$")] = None,
    unit_id: QueryId = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str | None, Query(pattern=SORT)] = None,
    dir: Annotated[str | None, Query(pattern="^(asc|desc)$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    q = (q or "").strip() or None
    descending = dir == "desc" if dir else sort in DESCENDING_FIRST
    with ctx.store.reader() as session:
        total = service.summary_count(session, user, status=status, unit_id=unit_id, year=year,
                                      q=q)  # fmt: skip
        pages = max(1, -(-total // service.PAGE_SIZE))
        page = min(page, pages)
        rows = service.summaries(
            session, user, status=status, unit_id=unit_id, year=year, q=q, sort=sort,
            descending=descending, limit=service.PAGE_SIZE, offset=(page - 1) * service.PAGE_SIZE,
        )  # fmt: skip
        years = service.years(session, user)
    filters = {"status": status, "unit_id": unit_id, "year": year, "q": q}
    kept = {k: v for k, v in filters.items() if v is not None}

    def url(**change: object) -> str:
        """This list's address with some parameters changed (None drops one)."""
        order = ("desc" if descending else "asc") if sort else None
        query = {**kept, "sort": sort, "dir": order, "page": page, **change}
        if query.get("page") == 1:
            query.pop("page")
        return "/documents?" + urlencode({k: v for k, v in query.items() if v is not None})

    def sort_url(key: str) -> str:
        current = sort == key
        ascending = descending if current else key not in DESCENDING_FIRST
        return url(sort=key, dir="asc" if ascending else "desc", page=1)

    return render(request, "documents.html", {
        "documents": rows, "units": list_units(ctx, user), "years": years, "status": status,
        "unit_id": unit_id, "year": year, "q": q or "", "sort": sort, "descending": descending,
        "page": page, "pages": pages, "total": total, "page_size": service.PAGE_SIZE,
        "url": url, "sort_url": sort_url,
    })  # fmt: skip
