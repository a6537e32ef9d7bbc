"""The durable work queue: claims on SQLite and PostgreSQL, leases that run out, workers killed
mid-job (``yusuan worker``) and the whole server killed mid-upload (``yusuan serve``), and the
progress of a scan read page by page, seen through ``/api/jobs``.

The slow parts start real processes: a worker killed with SIGKILL leaves its job running under a
lease that nobody renews, so these tests run their processes with a short lease
(``YUSUAN_JOB_LEASE_SECONDS``) rather than wait the production minute.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from tests.conftest import seed_path
from tests.serveproc import (
    api_client,
    env,
    free_port,
    group_gone,
    jobs,
    kill_group,
    serve,
    stored_once,
    token,
    wait,
)
from tests.webutil import (
    Browser,
    add_user,
    context,
    drain,
    make_app,
    unit_id,
    wait_for_jobs,
)
from yusuan.store import queue
from yusuan.store import schema as s
from yusuan.store.db import open_store
from yusuan.store.jobs import Job
from yusuan.web.jobrunner import enqueue_upload
from yusuan.web.principal import SYSTEM

SEEDS = ("000", "001", "002", "003")


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    yield application
    context(application).store.close()


# --- the queue itself ----------------------------------------------------------------------------


def test_two_workers_never_take_one_job(app: FastAPI, db_url: str) -> None:
    ctx = context(app)
    ids = [queue.enqueue(ctx.store, kind="upload", original_name=f"{i}.txt") for i in range(40)]
    taken: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def work(name: str) -> None:
        store = open_store(db_url, upgrade=False)  # each worker its own connections
        mine = taken.setdefault(name, [])
        start.wait(10)
        try:
            while (claimed := queue.claim(store, name)) is not None:
                mine.append(claimed.id)
                assert queue.finish(store, claimed.id, name, "stored")
        finally:
            store.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    every = [job for jobs in taken.values() for job in jobs]
    assert sorted(every) == ids  # each job taken exactly once
    assert sum(1 for jobs in taken.values() if jobs) >= 2  # they really raced
    assert queue.pending(ctx.store) == 0
    with ctx.store.reader() as session:
        rows = session.execute(select(Job.worker, Job.attempts, Job.status)).all()
    assert {(attempts, status) for _, attempts, status in rows} == {(1, "done")}
    by_worker = {w: sorted(j) for w, j in taken.items()}
    with ctx.store.reader() as session:
        for worker, jobs in by_worker.items():
            recorded = session.scalars(select(Job.id).where(Job.worker == worker).order_by(Job.id))
            assert list(recorded) == jobs


def test_an_expired_lease_is_claimed_again(app: FastAPI) -> None:
    store = context(app).store
    job = queue.enqueue(store, kind="upload", original_name="a.txt")
    first = queue.claim(store, "dead")
    assert first is not None and first.id == job and first.attempts == 1
    assert queue.claim(store, "other") is None  # leased: nobody else takes it
    assert queue.progress(store, job, "dead", "读取并检查", page=1, pages=3)

    def expire() -> None:
        with store.session() as session:
            past = datetime.now(UTC) - timedelta(seconds=1)
            session.execute(update(Job).where(Job.id == job).values(lease_until=past))

    expire()  # the worker died: its lease ran out
    second = queue.claim(store, "alive")
    assert second is not None and second.id == job and second.attempts == 2
    # the dead worker, come back, may neither report nor end the job any more
    assert not queue.progress(store, job, "dead", "读取并检查")
    assert not queue.finish(store, job, "dead", "stored")
    assert queue.renew(store, job, "alive")
    # a job that keeps killing its worker is given up after MAX_ATTEMPTS
    for attempt in range(2, queue.MAX_ATTEMPTS):
        expire()
        again = queue.claim(store, f"w{attempt}")
        assert again is not None and again.attempts == attempt + 1
    expire()
    assert queue.claim(store, "last") is None
    with store.reader() as session:
        ended = session.get(Job, job)
        assert ended is not None
        assert (ended.status, ended.outcome, ended.message) == ("failed", "failed", queue.GAVE_UP)
    # a job given back (a worker told to stop) is queued again for the next one
    other = queue.enqueue(store, kind="upload", original_name="b.txt")
    taken = queue.claim(store, "stopping")
    assert taken is not None and taken.id == other
    assert queue.release(store, other, "stopping")
    assert not queue.finish(store, other, "stopping", "stored")
    retaken = queue.claim(store, "next")
    assert retaken is not None and retaken.id == other and retaken.attempts == 2


# --- the API -----------------------------------------------------------------------------------


def test_upload_returns_a_job_seen_by_its_owner_and_reviewers(app: FastAPI) -> None:
    fenyang = unit_id(app, "汾阳市医疗保障局")
    add_user(app, "fy", "unit", [fenyang])
    add_user(app, "fy2", "unit", [fenyang])
    add_user(app, "rev", "reviewer")
    owner, other, reviewer = Browser(app), Browser(app), Browser(app)
    owner.login("fy")
    other.login("fy2")
    reviewer.login("rev")
    data = seed_path("001").read_bytes()
    sent = owner.api("POST", "/api/documents", files=[("files", ("汾阳.txt", data, "text/plain"))])
    assert sent.status_code == 202
    [queued] = sent.json()
    assert queued["status"] == "queued" and queued["url"] == f"/api/jobs/{queued['job_id']}"
    assert sent.headers["location"] == queued["url"]
    waiting = owner.get(queued["url"]).json()
    assert (waiting["status"], waiting["progress_text"], waiting["disclosure_id"]) == (
        "queued", "排队中", None,
    )  # fmt: skip
    # the job's own page says so, and follows the job until it ends
    page = owner.get(f"/jobs/{queued['job_id']}").text
    assert "汾阳.txt" in page and "排队中" in page
    assert f'data-follow-job="/api/jobs/{queued["job_id"]}"' in page
    # nothing is read in the request: no document yet
    with context(app).store.reader() as session:
        assert session.scalar(select(func.count()).select_from(s.Disclosure)) == 0
    assert drain(app) == 1
    done = owner.get(queued["url"]).json()
    assert (done["status"], done["outcome"], done["unit_name"]) == (
        "done", "stored", "汾阳市医疗保障局",
    )  # fmt: skip
    assert done["disclosure_id"] and done["finished_at"] and done["attempts"] == 1
    assert reviewer.get(queued["url"]).json()["id"] == queued["job_id"]
    ended = reviewer.get(f"/jobs/{queued['job_id']}").text
    assert "data-follow-job" not in ended and "完成" in ended
    assert f'href="/documents/{done["disclosure_id"]}">汾阳市医疗保障局 2024年' in ended
    assert other.get(f"/jobs/{queued['job_id']}").status_code == 404
    hidden = other.get(queued["url"])
    assert hidden.status_code == 404 and hidden.json()["detail"] == "未找到该任务，或您没有权限查看"
    assert [j["id"] for j in owner.get("/api/jobs").json()] == [queued["job_id"]]
    assert other.get("/api/jobs").json() == []
    assert reviewer.get("/api/jobs").json() == []  # their own
    assert [j["id"] for j in reviewer.get("/api/jobs", params={"everyone": True}).json()] == [
        queued["job_id"]
    ]
    assert [j["id"] for j in other.get("/api/jobs", params={"everyone": True}).json()] == []
    # the incoming copy is gone once the document is stored
    assert not list((context(app).settings.data_dir / "incoming").rglob("*.*")) and not [
        p for p in (context(app).settings.data_dir / "incoming").rglob("*") if p.is_file()
    ]


# --- processes killed mid-way ------------------------------------------------------------------


def _worker(db_url: str, data_dir: Path, name: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "yusuan", "worker", "--db", db_url,
               "--data-dir", str(data_dir), "--name", name, "--poll", "0.1"]  # fmt: skip
    return subprocess.Popen(command, env=env(), start_new_session=True)


def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(
    app: FastAPI, db_url: str, tmp_path: Path
) -> None:
    ctx = context(app)
    data = [seed_path(seed).read_bytes() for seed in SEEDS]
    ids = [
        enqueue_upload(ctx, SYSTEM, f"{seed}.txt", d) for seed, d in zip(SEEDS, data, strict=True)
    ]
    first = _worker(db_url, ctx.settings.data_dir, "first")
    try:
        # killed while it reads and stores a file: the earlier ones are stored
        reading = wait(
            lambda: next((j.id for j in jobs(ctx.store) if j.status == "running"
                          and j.stage == "读取并检查" and j.id != ids[0]), None),
            60, "a job being read",
        )  # fmt: skip
    finally:
        kill_group(first)
    killed = next(j for j in jobs(ctx.store) if j.id == reading)
    assert killed.status == "running" and killed.worker == "first"  # left behind, leased
    second = _worker(db_url, ctx.settings.data_dir, "second")
    try:
        wait(lambda: queue.pending(ctx.store) == 0, 120, "every job to end")
    finally:
        second.send_signal(signal.SIGTERM)  # a graceful stop between jobs
        assert second.wait(30) == 0
    ended = jobs(ctx.store)
    assert [(j.status, j.outcome) for j in ended] == [("done", "stored")] * len(SEEDS)
    again = next(j for j in ended if j.id == reading)
    assert again.worker == "second" and again.attempts == 2
    stored_once(ctx.store, [hashlib.sha256(d).hexdigest() for d in data])


def test_the_server_killed_mid_upload_and_restarted(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'served.db'}"
    data_dir = tmp_path / "data"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    files = [(f"{seed}.txt", seed_path(seed).read_bytes()) for seed in SEEDS]
    server = serve(db_url, data_dir, port)
    try:
        bearer = token(url)
        api = api_client(url, bearer)
        sent = api.post("/api/documents", files=[("files", (n, d, "text/plain")) for n, d in files])
        assert sent.status_code == 202, sent.text
        urls = [item["url"] for item in sent.json()]
        # killed, with its worker and readers, once a document is stored and others are not
        wait(lambda: any(api.get(u).json()["status"] == "done" for u in urls), 60, "a document")
    finally:
        kill_group(server)
    store = open_store(db_url, upgrade=False)
    try:
        left = [j for j in jobs(store) if j.status in ("queued", "running")]
        assert left, "the server finished everything before it was killed"
        server = serve(db_url, data_dir, port)
        try:
            api = api_client(url, bearer)
            results = wait_for_jobs(api, urls, timeout=120)
            assert [r["status"] for r in results] == ["stored"] * len(SEEDS)
            listed = api.get("/api/documents").json()
            assert sorted(d["file_name"] for d in listed) == sorted(n for n, _ in files)
            stored_once(store, [hashlib.sha256(d).hexdigest() for _, d in files])
        finally:
            server.send_signal(signal.SIGTERM)  # stops its workers too
            assert server.wait(60) == 0
            assert group_gone(server.pid), "a worker outlived yusuan serve"
    finally:
        store.close()
        kill_group(server)


def test_serve_starts_again_a_job_worker_that_died(tmp_path: Path) -> None:
    """``yusuan serve --job-workers 1``: its worker process killed with SIGKILL, another is
    started in its place, and an upload sent afterwards is read and stored by it."""
    psutil = pytest.importorskip("psutil")
    db_url = f"sqlite:///{tmp_path / 'served.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = serve(db_url, tmp_path / "data", port, job_workers=1)

    def worker_pids() -> list[int]:
        found = []
        for child in psutil.Process(server.pid).children():
            with contextlib.suppress(psutil.Error):
                command = child.cmdline()
                if "worker" in command and "--parent-pid" in command and child.is_running() \
                        and child.status() != psutil.STATUS_ZOMBIE:  # fmt: skip
                    found.append(child.pid)
        return found

    try:
        [first] = wait(worker_pids, 30, "the job worker to start", pause=0.1)
        os.kill(first, signal.SIGKILL)
        [second] = wait(lambda: [p for p in worker_pids() if p != first], 20,
                        "a new job worker", pause=0.1)  # fmt: skip
        assert not psutil.pid_exists(first)  # reaped by yusuan serve
        assert worker_pids() == [second]  # one worker, as asked
        api = api_client(url, token(url))
        data = seed_path("001").read_bytes()
        sent = api.post("/api/documents", files=[("files", ("汾阳.txt", data, "text/plain"))])
        assert sent.status_code == 202, sent.text
        [result] = wait_for_jobs(api, [sent.json()[0]["url"]], timeout=60)
        assert result["status"] == "stored" and result["unit_name"] == "汾阳市医疗保障局"
        assert psutil.Process(second).is_running()  # the new worker ran it and goes on
        assert [d["unit_name"] for d in api.get("/api/documents").json()] == ["汾阳市医疗保障局"]
        server.send_signal(signal.SIGTERM)
        assert server.wait(60) == 0
        assert group_gone(server.pid), "a worker outlived yusuan serve"
    finally:
        kill_group(server)


# --- progress, page by page ------------------------------------------------------------------


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three pages of the real 普陀区财政局 决算 (cover, 表一), rasterised: an image-only PDF."""
    import pypdfium2 as pdfium

    from tests.test_final_reading import FINAL

    if not FINAL.exists():
        pytest.fail(f"missing {FINAL} (set YUSUAN_SHARED to the shared folder)")
    src = pdfium.PdfDocument(FINAL)
    try:
        images = [src[i].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
                  for i in (0, 5, 6)]  # fmt: skip
    finally:
        src.close()
    path = tmp_path_factory.mktemp("jobs_scan") / "扫描件.pdf"
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return path


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_ocr_progress_is_seen_live_on_the_upload_page(tmp_path: Path, scan: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.liveserver import served
    from tests.test_web_e2e import CHROMIUM, CHROMIUM_ARGS
    from tests.webutil import PASSWORD, workers

    app = make_app(f"sqlite:///{tmp_path / 'progress.db'}", tmp_path, reading_processes=1)
    add_user(app, "admin", "admin")
    store = context(app).store
    seen: list[tuple[int | None, int | None, float | None]] = []
    watching = threading.Event()

    def watch() -> None:  # the job's row as the reader process writes it
        while not watching.wait(0.1):
            with store.reader() as session:
                row = session.execute(
                    select(Job.page, Job.pages, Job.eta_seconds).where(Job.status == "running")
                ).first()
            if row is not None and row.pages is not None and (not seen or seen[-1] != row):
                seen.append((row.page, row.pages, row.eta_seconds))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with served(app) as url, workers(app, 1), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                tabs = browser.new_context(viewport={"width": 1440, "height": 900},
                                           locale="zh-CN")  # fmt: skip
                page = tabs.new_page()
                page.goto(f"{url}/login?next=/upload")
                page.fill("input[name=username]", "admin")
                page.fill("input[name=password]", PASSWORD)
                page.click("button:has-text('登录')")
                page.wait_for_url("**/upload")
                page.set_input_files("#file-input", [str(scan)])
                state = page.locator("#progress li .state")
                expect(state).to_contain_text(
                    re.compile(r"文字识别（OCR）：第 [23] / 3 页，预计剩余 \d+ 秒"), timeout=90_000
                )
                page.screenshot(path=str(tmp_path / "upload-ocr-progress.png"))
                # the job's own page, opened while it runs, follows it to its outcome
                details = page.locator("#progress li a.file")
                job_page = tabs.new_page()  # the same session, another tab
                job_page.goto(f"{url}{details.get_attribute('href')}")
                expect(job_page.locator("h1")).to_contain_text("任务")
                expect(job_page.locator("#job a[href^='/documents/']")).to_have_count(
                    1, timeout=120_000
                )
                job_page.screenshot(path=str(tmp_path / "job-page.png"))
                expect(page.locator("#progress progress")).to_have_count(0, timeout=120_000)
                item = page.locator("#progress li")
                expect(item).to_have_class(re.compile(r"result-stored"))
                link = item.locator("a:not(.file)")
                assert (link.get_attribute("href") or "").startswith("/documents/")
            finally:
                browser.close()
    finally:
        watching.set()
        watcher.join(5)
    pages = [p for p, _, _ in seen]
    assert {total for _, total, _ in seen} == {3}, seen  # the scan's page count
    assert pages == sorted(pages) and len(set(pages)) >= 2 and pages[-1] == 3, seen
    assert any(eta is not None and eta > 0 for p, _, eta in seen if p and p > 1), seen
    [job] = jobs(store)
    assert (job.status, job.outcome, job.pages) == ("done", "stored", 3)
