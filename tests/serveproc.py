"""Helpers for tests that run a real ``yusuan serve`` (or ``yusuan worker``) as a subprocess:
start it on a free port in its own process group, sign in through the API, kill the whole group,
wait for conditions, and check that each file was stored exactly once.

The processes run with a short job lease (``YUSUAN_JOB_LEASE_SECONDS``), so that a job left
behind by a killed worker is taken again in seconds rather than the production minute."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from yusuan.store import schema as s
from yusuan.store.jobs import Job

SHORT_LEASE = "3"
ADMIN_PASSWORD = "serve-admin-1"


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "YUSUAN_JOB_LEASE_SECONDS": SHORT_LEASE, **extra}


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the process and everything it started (its reader processes too)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def group_gone(pgid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def wait(condition: Any, timeout: float, what: str, pause: float = 0.05) -> Any:
    """Poll ``condition`` until it gives a true value (returned) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(pause)
    pytest.fail(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(db_url: str, data_dir: Path, port: int, job_workers: int = 1
          ) -> subprocess.Popen[bytes]:  # fmt: skip
    """``yusuan serve`` on ``port`` in a process group of its own, once it answers."""
    command = [sys.executable, "-m", "yusuan", "serve", "--db", db_url, "--data-dir",
               str(data_dir), "--port", str(port), "--job-workers", str(job_workers)]  # fmt: skip
    process = subprocess.Popen(command, env=env(YUSUAN_ADMIN_PASSWORD=ADMIN_PASSWORD),
                               start_new_session=True, stdout=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"yusuan serve exited with {process.returncode}")
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait(up, 60, "yusuan serve to start")
    return process


def token(url: str) -> str:
    login = {"username": "admin", "password": ADMIN_PASSWORD}
    sent = httpx.post(f"{url}/api/auth/token", json=login, timeout=30)
    assert sent.status_code in (200, 201), sent.text
    value: str = sent.json()["token"]
    return value


def api_client(url: str, bearer: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {bearer}"}, timeout=30)


def jobs(store: Any) -> list[Job]:
    with store.reader() as session:
        return list(session.scalars(select(Job).order_by(Job.id)))


def stored_once(store: Any, shas: list[str]) -> None:
    """Each hash is one source file and one document, and there are no other documents."""
    with store.reader() as session:
        for sha in shas:
            files = session.scalar(
                select(func.count()).select_from(s.SourceFile).where(s.SourceFile.sha256 == sha)
            )
            documents = session.scalar(
                select(func.count())
                .select_from(s.Disclosure)
                .join(s.SourceFile, s.SourceFile.id == s.Disclosure.source_file_id)
                .where(s.SourceFile.sha256 == sha)
            )
            assert (files, documents) == (1, 1), sha
        assert session.scalar(select(func.count()).select_from(s.Disclosure)) == len(shas)
