"""The web application for reviewers and units: FastAPI, server-rendered pages, a REST API.

``create_app(db_url)`` builds it; ``yusuan serve`` runs it. Layout: ``app.py`` (factory),
``settings.py``, ``auth.py``/``passwords.py``/``csrf.py``/``ratelimit.py`` (accounts and
safety), ``access.py`` (who sees what), ``uploads.py``/``filetypes.py`` (receiving files),
``reading.py`` (the processes that read them: never the request threads),
``documents.py``/``docview.py``/``reports.py``/``reviews.py``/``users.py`` (services shared by
pages and API), ``routes/`` (pages), ``api/`` (JSON), ``templates/``, ``static/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(db_url: str | None = None, **kwargs: Any) -> FastAPI:
    from yusuan.web.app import create_app as build

    return build(db_url, **kwargs)
