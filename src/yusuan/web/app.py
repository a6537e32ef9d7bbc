"""The application factory: ``create_app(db_url)`` gives the FastAPI application with its pages,
its REST API (``/api``, described at ``/docs``), ``/healthz`` and its static files."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from yusuan.store.db import Store, database_url, open_store
from yusuan.store.schema import Unit
from yusuan.version import __version__
from yusuan.web.api import router as api_router
from yusuan.web.api.schemas import Health
from yusuan.web.context import AppContext
from yusuan.web.errors import NotSignedIn, TooManyAttempts, WebError
from yusuan.web.routes import ROUTERS
from yusuan.web.security import BodyLimit, SecurityHeaders
from yusuan.web.settings import MiB, Settings, load_settings
from yusuan.web.templating import render

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
# Routes that take files; every other request body is limited to SMALL_BODY.
UPLOAD_ROUTES = {("POST", "/upload"), ("POST", "/api/documents")}
BATCH_ROUTES = {("POST", "/batches"), ("POST", "/api/batches")}  # a ZIP or a folder
SMALL_BODY = 2 * MiB
HTTP_MESSAGES = {404: "页面不存在", 405: "不支持该请求方法", 400: "请求无效", 422: "请求参数无效"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz",)


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None
           ) -> Response:  # fmt: skip
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    response = render(request, "error.html", {"status": status, "error": message}, status)
    response.headers.update(headers or {})
    return response


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        if isinstance(exc, NotSignedIn):
            if not _wants_json(request):
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                from urllib.parse import quote

                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            return _error(request, 401, exc.message, {"WWW-Authenticate": "Bearer"})
        headers = (
            {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        )
        return _error(request, exc.status, exc.message, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code) or str(exc.detail)
        return _error(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            from fastapi.encoders import jsonable_encoder

            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return _error(request, 400, "提交的内容无效，请检查后重试")


def _install_docs(app: FastAPI) -> None:
    import fastapi_offline

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/static/docs", StaticFiles(directory=assets), name="docs-assets")
    title = f"{app.title} 接口文档"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=title,
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
        )  # fmt: skip

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title=title,
                              redoc_js_url="/static/docs/redoc.standalone.js",
                              redoc_favicon_url="/static/docs/favicon.png",
                              with_google_fonts=False)  # fmt: skip


def app_from_env() -> FastAPI:
    """The application as ``YUSUAN_DB`` and ``YUSUAN_DATA_DIR`` say: the factory each uvicorn
    worker process calls when ``yusuan serve --workers N`` runs more than one."""
    return create_app()


def create_app(
    db_url: str | None = None,
    *,
    data_dir: str | Path | None = None,
    settings: Settings | None = None,
    store: Store | None = None,
    **overrides: Any,
) -> FastAPI:
    """The web application over the database at ``db_url`` (``--db``/``YUSUAN_DB``/default, as
    the command line resolves it); its schema is migrated to the newest revision on start."""
    if settings is None:
        settings = load_settings(database_url(db_url), data_dir, **overrides)
    store = store or open_store(settings.db_url)
    ctx = AppContext.build(store, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(
        title="yusuan 预算公开审核",
        version=__version__,
        description="读取、检查预算公开文件并审核；网页所做的一切都可以通过本接口完成。",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.yusuan = ctx

    def limit_for(method: str, path: str) -> int:
        if (method, path) in BATCH_ROUTES:
            return settings.max_batch_request_bytes
        return settings.max_request_bytes if (method, path) in UPLOAD_ROUTES else SMALL_BODY

    app.add_middleware(BodyLimit, limit_for=limit_for)
    app.add_middleware(SecurityHeaders)
    _install_handlers(app)
    _install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", response_model=Health, tags=["状态"], summary="探活",
             responses={503: {"description": "数据库不可用"}})  # fmt: skip
    def healthz() -> Health | JSONResponse:
        """探活：数据库可以查询时返回 ok，否则 503。"""
        try:
            with ctx.store.reader() as session:
                session.execute(select(Unit.id).limit(1)).all()
        except Exception as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse({"detail": "数据库不可用"}, status_code=503)
        return Health(status="ok", database=ctx.store.dialect, version=__version__)

    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_router)
    return app
