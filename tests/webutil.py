"""Helpers for the web application's tests: an app on a test database with cheap password
hashing, a browser-like client that signs in and sends CSRF tokens, seeds brought in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import seed_path
from yusuan.web import create_app
from yusuan.web.context import AppContext
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import UploadResult, receive
from yusuan.web.users import add_unit, create_user

PASSWORD = "correct-horse-1"
# argon2id still, at a cost that keeps the suite fast
CHEAP_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 8 * 1024, "argon2_parallelism": 1}
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(db_url: str, tmp_path: Path, **overrides: Any) -> FastAPI:
    settings = {**CHEAP_HASHING, "secret_key": "test-secret", **overrides}
    return create_app(db_url, data_dir=tmp_path / "data", **settings)


def context(app: FastAPI) -> AppContext:
    ctx: AppContext = app.state.yusuan
    return ctx


def add_user(app: FastAPI, username: str, role: str, unit_ids: list[int] | None = None) -> int:
    info, _ = create_user(context(app), SYSTEM, username, username, role, PASSWORD, unit_ids or [])
    return info.id


def ingest_seed(app: FastAPI, seed_id: str) -> UploadResult:
    path = seed_path(seed_id)
    result = receive(context(app), SYSTEM, path.name, path.read_bytes())
    assert result.ok, result.message
    return result


def unit_id(app: FastAPI, name: str) -> int:
    return add_unit(context(app), SYSTEM, name).id


class Browser:
    """A TestClient that signs in through the login form and echoes CSRF tokens like a page."""

    def __init__(self, app: FastAPI, client_ip: str = "testclient") -> None:
        self.client = TestClient(app, base_url="http://testserver", client=(client_ip, 50000))
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD, follow: bool = False) -> Any:
        form = self.client.get("/login")
        token = _CSRF_FIELD.search(form.text)
        assert token is not None
        response = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token.group(1)},
            follow_redirects=follow,
        )
        if response.status_code == 303:
            self.refresh_csrf()
        return response

    def refresh_csrf(self) -> str:
        page = self.client.get("/account")
        found = _CSRF_META.search(page.text)
        self.csrf = found.group(1) if found else ""
        return self.csrf

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        fields = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=fields, follow_redirects=False, **kwargs)

    def api(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


def bearer(app: FastAPI, token: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    client.headers["Authorization"] = f"Bearer {token}"
    return client
