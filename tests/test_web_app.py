"""The application around the pages: health probe, OpenAPI and its docs served without a CDN,
security headers, error pages, the first admin of ``yusuan serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi import FastAPI

from tests.webutil import Browser, add_user, context, make_app
from yusuan.cli import main
from yusuan.web.serve import ensure_admin, example_files, ingest


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    yield application
    context(application).store.close()


def test_health_openapi_and_docs(app: FastAPI) -> None:
    client = Browser(app).client
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.json()["database"] in ("sqlite", "postgresql")
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/documents",
        "/api/documents/{disclosure_id}/findings",
        "/api/documents/{disclosure_id}/review",
        "/api/auth/token",
        "/api/users",
        "/api/audit",
        "/healthz",
    ):
        assert path in paths, path
    assert not any(p.startswith(("/documents", "/login", "/admin")) for p in paths)  # pages
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert paths["/api/documents"]["post"]["summary"].startswith("上传文件")
    docs = client.get("/docs").text
    assert "/static/docs/swagger-ui-bundle.js" in docs and "cdn." not in docs
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert "cdn." not in client.get("/redoc").text


def test_headers_and_error_pages(app: FastAPI) -> None:
    add_user(app, "rev", "reviewer")
    browser = Browser(app)
    browser.login("rev")
    page = browser.get("/documents")
    headers = page.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"  # pages hold unpublished review data
    missing = browser.get("/documents/424242")
    assert missing.status_code == 404 and "未找到该文件" in missing.text and "<html" in missing.text
    assert browser.get("/no/such/page").status_code == 404
    api_missing = browser.get("/api/documents/424242")
    assert api_missing.status_code == 404 and api_missing.json() == {
        "detail": "未找到该文件，或您没有权限查看"
    }
    assert browser.get("/api/documents/not-a-number").status_code == 422
    assert browser.get("/documents/not-a-number").status_code == 400
    # ids beyond a 64-bit integer are refused before they reach the database driver
    assert browser.get(f"/api/documents/{2**70}").status_code == 422
    assert browser.get(f"/documents/{2**70}").status_code == 400
    assert browser.get("/api/documents", params={"unit_id": 2**64}).status_code == 422
    # every menu entry leads to a page
    for path, heading in (("/units", "<h1>单位与年度</h1>"), ("/budget", "<h1>编制预算</h1>")):
        page = browser.get(path)
        assert page.status_code == 200 and heading in page.text


def test_first_admin_and_example(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.delenv("YUSUAN_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("YUSUAN_ADMIN_USER", raising=False)
    ensure_admin(context(app), said.append)
    password = said[0].split("初始密码：")[1].split("（")[0]
    assert said[0].startswith("管理员账号：admin") and len(password) >= 12
    assert Browser(app).login("admin", password).status_code == 303
    ensure_admin(context(app), said.append)  # once only: the second start does not print it
    assert password not in said[1]
    monkeypatch.setenv("YUSUAN_ADMIN_PASSWORD", "from-the-environment")
    ensure_admin(context(app), said.append)
    assert Browser(app).login("admin", "from-the-environment").status_code == 303
    assert ingest(context(app), example_files(), said.append) == 1
    assert said[-1].startswith("[1/1] 已入库 example_unit_2025.txt：示例市数据服务中心 2025")
    assert ingest(context(app), example_files(), said.append) == 0
    assert "已存在" in said[-1]


def test_serve_command_is_registered() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--data-dir", "--ingest", "--example"):
        assert option in result.output
