"""The batch of ``bench/web.py --batch N``: N distinct documents in one ZIP, posted to
``POST /api/batches`` while the reviewers work, and followed through ``GET /api/batches/{id}``.

The documents: copies of the four Shanxi seeds, each with its unit renamed (``tests/corpus.py``:
its own unit, its own content hash, the seed's tables), and a few of the Shanghai PDFs
(``real-docs/shanghai``), under ``山西/`` and ``上海/`` in the ZIP. The job workers are the
server's own (``yusuan serve --job-workers N``), found among the server's processes by their
command line (``yusuan worker ... --parent-pid``); their CPU time is counted with their reader
processes. ``renice`` lowers their priority from outside, to measure what ``os.nice`` in the
workers would do without changing the server.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
PDFS = 4  # Shanghai PDFs in the batch; the rest are seed copies
POLL_SECONDS = 2.0


def batch_zip(count: int, folder: Path) -> tuple[bytes, str]:
    """A ZIP of ``count`` distinct documents, and a line saying what it holds."""
    sys.path.insert(0, str(ROOT))  # tests/corpus.py
    from tests.corpus import seed_copies

    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    pdfs = sorted((SHARED / "real-docs" / "shanghai").glob("*.pdf"))[: min(PDFS, count // 2)]
    copies = seed_copies(seeds, folder / "batch", count - len(pdfs))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in copies:
            archive.write(path, f"山西/{path.name}")
        for path in pdfs:
            archive.write(path, f"上海/{path.name}")
    data = buffer.getvalue()
    what = (f"{len(copies)} seed copies (units renamed) and {len(pdfs)} Shanghai PDFs, "
            f"{len(data) / 2**20:.1f} MB zipped")  # fmt: skip
    return data, what


def processes() -> tuple[dict[int, int], dict[int, float]]:
    """Parent and CPU seconds (own, and of its waited-for children) of every process."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick
    return parents, times


def family(roots: list[int], parents: dict[int, int]) -> set[int]:
    family, frontier = set(roots), list(roots)
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in family:
                family.add(child)
                frontier.append(child)
    return family


def job_workers(server_pid: int) -> list[int]:
    """The server's job worker processes (``yusuan worker ... --parent-pid``)."""
    if not Path("/proc").exists():
        return []
    parents, _ = processes()
    found = []
    for pid in family([server_pid], parents):
        try:
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in command and b"--parent-pid" in command:
            found.append(pid)
    return sorted(found)


def cpu_split(server_pid: int) -> tuple[float, float] | None:
    """CPU seconds so far of the job workers (with their readers) and of the rest of the
    server (the web processes); None without /proc."""
    if not Path("/proc").exists():
        return None
    parents, times = processes()
    everything = family([server_pid], parents)
    workers = family(job_workers(server_pid), parents)
    return (sum(times.get(p, 0.0) for p in workers),
            sum(times.get(p, 0.0) for p in everything - workers))  # fmt: skip


def renice(server_pid: int, niceness: int) -> int:
    """Lower the job workers and their readers to ``niceness`` (never raise them); how many
    threads were changed. Run again after workers or readers may have started."""
    if niceness <= 0 or not hasattr(os, "setpriority"):
        return 0
    parents, _ = processes()
    changed = 0
    for pid in family(job_workers(server_pid), parents):
        try:  # Linux keeps a niceness per thread: every thread of the process
            threads = [int(t.name) for t in (Path("/proc") / str(pid) / "task").iterdir()]
        except OSError:  # gone meanwhile
            continue
        for thread in threads:
            try:
                if os.getpriority(os.PRIO_PROCESS, thread) < niceness:
                    os.setpriority(os.PRIO_PROCESS, thread, niceness)
                    changed += 1
            except OSError:
                continue
    return changed


@dataclass
class Followed:
    """A batch as the bench saw it."""

    total: int = 0
    posted: float = 0.0  # perf_counter when the POST was sent
    post_ms: float = 0.0  # how long the POST took (the ZIP received, its jobs queued)
    ended_at: float | None = None  # perf_counter when the batch was seen complete
    progress: list[tuple[float, int]] = field(default_factory=list)  # (seconds since post, ended)
    counts: dict[str, int] = field(default_factory=dict)
    polls: list[float] = field(default_factory=list)  # ms, GET /api/batches/{id}
    errors: dict[str, int] = field(default_factory=dict)

    def ended(self, at: float | None = None) -> int:
        """Documents finished (stored, duplicate or failed) by ``at`` seconds after the post."""
        done = [n for t, n in self.progress if at is None or t <= at]
        return done[-1] if done else 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def post_batch(client: httpx.AsyncClient, data: bytes, followed: Followed) -> int:
    """Send the ZIP; the batch's id."""
    followed.posted = time.perf_counter()
    files = [("files", ("bench.zip", data, "application/zip"))]
    answer = await client.post("/api/batches", data={"name": "bench"}, files=files)
    followed.post_ms = (time.perf_counter() - followed.posted) * 1000
    if answer.status_code != 202:
        raise RuntimeError(f"POST /api/batches: HTTP {answer.status_code}: {answer.text[:300]}")
    queued = answer.json()
    followed.total = int(queued["files"])
    return int(queued["batch_id"])


async def follow(client: httpx.AsyncClient, batch_id: int, followed: Followed, until: float,
                 server_pid: int, niceness: int) -> None:  # fmt: skip
    """Poll the batch until it is complete or ``until`` (perf_counter) passes; renice the
    workers' new readers meanwhile."""
    while time.perf_counter() < until:
        renice(server_pid, niceness)
        start = time.perf_counter()
        try:
            answer = await client.get(f"/api/batches/{batch_id}")
            body = answer.json() if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            followed.error(type(exc).__name__)
            body = None
        now = time.perf_counter()
        if body is None:
            followed.error("batch poll failed")
        else:
            followed.polls.append((now - start) * 1000)
            followed.progress.append((now - followed.posted, int(body["ended"])))
            followed.counts = dict(body["counts"])
            if body["complete"]:
                followed.ended_at = now
                return
        await asyncio.sleep(max(0.0, min(POLL_SECONDS, until - time.perf_counter())))
