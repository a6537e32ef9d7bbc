"""Uploads sent at the same moment get the findings of the command line for every document.

PDFium, which reads PDFs, is not thread-safe: when the server read uploads in its request
threads, the two 万里街道 PDFs uploaded together got 8 and 7 errors, changing from run to run,
where ``yusuan check`` found 0 and 1. The web app reads in reader processes
(``yusuan.web.reading``), driven by the work queue's workers; these tests send several real PDFs
in simultaneous requests to a real HTTP server, let three workers read them side by side, and
compare what each document stored with ``yusuan.check(yusuan.read(path))`` run here, in the test
process, one file at a time.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from functools import cache
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import yusuan
from tests.conftest import SHARED, seed_path
from tests.liveserver import served
from tests.webutil import add_user, context, make_app, uploaded, wait_for_jobs, workers
from yusuan.store.accounts import User
from yusuan.web.auth import principal_for
from yusuan.web.users import create_token

SHANGHAI = SHARED / "real-docs" / "shanghai"
PDFS = (
    "shpt_wljd_2023_dept_budget.pdf",  # 万里街道 2023 and 2024: the pair that went wrong
    "shpt_wljd_2024_budget.pdf",
    "shpt_czj_2025_dept_budget.pdf",
    "shpt_sww_2025_dept_budget.pdf",
    "shpt_zfb_2025_dept_budget.pdf",
    "shpt_zfb_2025_unit_budget.pdf",
)


@cache
def cli_findings(name: str) -> tuple[dict[str, int], Counter[tuple[str, str]]]:
    """What ``yusuan check`` reports for the file: counts by severity, and (rule, severity)."""
    report = yusuan.check(yusuan.read(SHANGHAI / name))
    return report.counts(), Counter((f.rule, f.severity.value) for f in report.findings)


def _token(app: FastAPI) -> str:
    user_id = add_user(app, "admin", "admin")
    ctx = context(app)
    with ctx.store.reader() as session:
        user = session.get(User, user_id)
        assert user is not None
        admin = principal_for(session, user, "token")
    _, raw = create_token(ctx, admin, "concurrency", None, None)
    return raw


def _upload_together(url: str, token: str, names: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """Each file in its own request, all sent at once (a barrier releases the threads)."""
    start = threading.Barrier(len(names))
    results: dict[str, dict[str, object]] = {}
    errors: list[BaseException] = []

    def send(name: str) -> None:
        data = (SHANGHAI / name).read_bytes()
        try:
            with httpx.Client(base_url=url, timeout=300) as client:
                start.wait(30)
                response = client.post(
                    "/api/documents", headers={"Authorization": f"Bearer {token}"},
                    files=[("files", (name, data, "application/pdf"))],
                )  # fmt: skip
            assert response.status_code == 202, response.text
            results[name] = response.json()[0]
        except BaseException as exc:  # reported by the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    if errors:
        raise errors[0]
    return results


def _reader_pids(app: FastAPI) -> set[int]:
    pool = context(app).readers._pool
    return set() if pool is None else {p.pid for p in pool._processes.values() if p.pid}


def _gone(pids: set[int], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = set()
        for pid in pids:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                continue
            alive.add(pid)
        if not alive:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("attempt", [1, 2])
def test_simultaneous_pdf_uploads_get_the_cli_findings(
    db_url: str, tmp_path: Path, attempt: int
) -> None:
    for name in PDFS:
        if not (SHANGHAI / name).exists():
            pytest.fail(f"real document missing: {SHANGHAI / name}")
    app = make_app(db_url, tmp_path, reading_processes=3)
    token = _token(app)
    try:
        with served(app) as url, workers(app, 3):
            queued = _upload_together(url, token, PDFS)
            with httpx.Client(base_url=url, timeout=60) as client:
                client.headers["Authorization"] = f"Bearer {token}"
                ended = wait_for_jobs(client, [queued[name]["url"] for name in PDFS])
            results = dict(zip(PDFS, ended, strict=True))
            pids = _reader_pids(app)
            stored = {}
            with httpx.Client(base_url=url, timeout=60) as client:
                for name, result in results.items():
                    assert result["status"] == "stored", (name, result["message"])
                    findings = client.get(
                        f"/api/documents/{result['disclosure_id']}/findings",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    assert findings.status_code == 200, findings.text
                    stored[name] = findings.json()
    finally:
        context(app).close()
    assert pids and _gone(pids), "the reader processes outlive the application"
    for name in PDFS:
        counts, rules = cli_findings(name)
        result = results[name]
        assert (result["errors"], result["warnings"]) == (counts["error"], counts["warning"]), name
        # the document's own findings as stored (the cross-year ones come from the store)
        own = [f for f in stored[name] if not str(f["rule"]).startswith("XYEAR-")]
        assert Counter(f["severity"] for f in own) == +Counter(counts), name
        assert Counter((f["rule"], f["severity"]) for f in own) == rules, name


def test_reader_processes_stop_with_the_application(db_url: str, tmp_path: Path) -> None:
    """The lifespan of the app (``yusuan serve`` and uvicorn run it) stops its readers."""
    app = make_app(db_url, tmp_path, reading_processes=1)
    token = _token(app)
    with TestClient(app, base_url="http://testserver") as client:
        client.headers["Authorization"] = f"Bearer {token}"
        response = client.post(
            "/api/documents",
            files=[("files", ("002.txt", seed_path("002").read_bytes(), "text/plain"))],
        )  # fmt: skip
        assert uploaded(app, client, response)[0]["status"] == "stored"
        pids = _reader_pids(app)
        assert len(pids) == 1
    assert _gone(pids) and context(app).readers._pool is None
