"""A document's changes against its previous version, and the list of findings sent back to
the unit with a 退回."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from yusuan.web import access, exports, versions
from yusuan.web.deps import Ctx, PathId, User
from yusuan.web.filetypes import MEDIA_TYPES
from yusuan.web.routes.common import attachment
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/documents/{disclosure_id}/changes")
def changes(request: Request, ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    found = versions.diff(ctx, user, disclosure_id)
    return render(request, "changes.html", {"diff": found, "labels": versions.STATUS_LABELS})


@router.get("/documents/{disclosure_id}/returned.xlsx")
def returned_list(ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    """The findings sent back to the unit (all but the dismissed), in Chinese."""
    with ctx.store.reader() as session:
        d = access.disclosure(session, user, disclosure_id)
        stem = f"{d.unit_name}{f'{d.year}年' if d.year else ''}"
    rows = (r for r in exports.finding_rows(ctx, disclosure_ids=[disclosure_id])
            if r[15] != "驳回")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="yusuan-returned-") as folder:
        path = Path(folder) / "退回问题.xlsx"
        exports.write_findings(path, rows, exports.setting_notes(ctx))
        data = path.read_bytes()
    return attachment(data, MEDIA_TYPES["xlsx"], f"{stem}退回问题清单.xlsx")
