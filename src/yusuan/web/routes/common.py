"""Helpers the page routes share: redirects after a POST, safe ``next`` targets, downloads."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse, Response


def see_other(path: str, msg: str | None = None) -> RedirectResponse:
    """Redirect after a successful POST (303, so a reload does not post again)."""
    if msg:
        path, hash_, fragment = path.partition("#")
        path += ("&" if "?" in path else "?") + f"msg={msg}" + hash_ + fragment
    return RedirectResponse(path, status_code=303)


def local_target(target: str | None, default: str = "/documents") -> str:
    """``next`` only ever leads to a page of this site (no ``//host`` or ``https://``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\r\n\t") or "://" in target:
        return default
    return target


def attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    """A download with its file name (UTF-8, RFC 5987) and an ASCII fallback."""
    body = content.encode("utf-8") if isinstance(content, str) else content
    fallback = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_"
                       for ch in filename) or "download"  # fmt: skip
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
