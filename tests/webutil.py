"""Helpers for the web application's tests: an app on a test database with cheap password
hashing, a browser-like client that signs in and sends CSRF tokens, seeds brought in."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import expected, seed_path
from yusuan.store import queue
from yusuan.web import create_app
from yusuan.web.context import AppContext
from yusuan.web.jobrunner import run_job
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import UploadResult, receive
from yusuan.web.users import add_unit, create_user
from yusuan.web.worker import Worker

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


def renamed(seed: str, n: int) -> tuple[str, bytes]:
    """Seed ``seed`` as the document of another unit: its unit's name replaced throughout."""
    unit = expected(seed).META["unit_name"]
    city, rest = unit.split("市", 1)
    other = f"{city}市第{n}片区{rest}"
    text = seed_path(seed).read_text(encoding="utf-8")
    assert unit in text
    return other, text.replace(unit, other).encode("utf-8")


def drain(app: FastAPI, worker: str = "test-worker") -> int:
    """Run the queued jobs in this process, as a worker would, until none is left; how many."""
    ctx = context(app)
    ran = 0
    while (claimed := queue.claim(ctx.store, worker)) is not None:
        run_job(ctx, claimed, worker)
        ran += 1
    return ran


def outcome(job: dict[str, Any]) -> dict[str, Any]:
    """A finished job as the upload's result: ``status`` is its outcome."""
    assert job["status"] in ("done", "failed"), job
    return {**job, "status": job["outcome"]}


def uploaded(app: FastAPI, client: Any, response: Any) -> list[dict[str, Any]]:
    """The results of a ``POST /api/documents``: accepted (202), its jobs run, then read back."""
    assert response.status_code == 202, response.text
    queued = response.json()
    drain(app)
    return [outcome(client.get(item["url"]).json()) for item in queued]


@contextmanager
def workers(app: FastAPI, count: int = 1, poll: float = 0.05) -> Iterator[list[Worker]]:
    """Workers of the queue running in threads of this process on the app's context (its
    settings and reader processes) until the block ends."""
    stop = threading.Event()
    running = [Worker(context(app), f"test-worker-{i}", poll, grace=5) for i in range(count)]
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in running]
    for thread in threads:
        thread.start()
    try:
        yield running
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)


def wait_for_jobs(client: Any, urls: list[str], timeout: float = 300) -> list[dict[str, Any]]:
    """Poll each job until it ends; their results (``outcome``)."""
    deadline = time.monotonic() + timeout
    results = []
    for url in urls:
        while (job := client.get(url).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, f"job {url} did not end: {job}"
            time.sleep(0.1)
        results.append(outcome(job))
    return results


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

    def upload(self, files: list[tuple[str, tuple[str, bytes, str]]]) -> list[dict[str, Any]]:
        """Send files to ``POST /api/documents`` and wait for their jobs (run here)."""
        response = self.api("POST", "/api/documents", files=files)
        return uploaded(self.client.app, self.client, response)  # type: ignore[arg-type]


def bearer(app: FastAPI, token: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    client.headers["Authorization"] = f"Bearer {token}"
    return client
