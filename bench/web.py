"""Web benchmark: latency of the document view under load. Figures, not pass/fail.

    .venv/bin/python bench/web.py                       # 50 users, 30 s, then 10 s saturated
    .venv/bin/python bench/web.py --users 20 --duration 10 --workers 1
    .venv/bin/python bench/web.py --profile             # also: where one document view's time goes
    .venv/bin/python bench/web.py --batch 200           # also: while a 200-document batch runs
    .venv/bin/python bench/web.py --batch 200 --job-workers 1,2 --batch-nice 10

The server is the real one: ``yusuan serve --workers 2`` (uvicorn, two worker processes) on a
free port of 127.0.0.1, over a new SQLite store and data folder holding the four Shanxi seeds and
the bundled example. Every request goes to that address only.

Load model ("reviewers at work"): N reviewer accounts, made by the admin through the API, each
signed in through the login form with a session of its own (its own cookies and connections;
asyncio + httpx). Each user repeats, until the duration is up: open a document view
(``/documents/{id}``, a document chosen at random: 80 %) or a list page (``/documents`` or
``/queue``: 20 %), read the whole answer, then think for a time drawn uniformly from the think
range before the next request. Users start spread over the first think interval. Before measuring,
every user opens every document once (the views are cached per worker process, as in daily use).
Latency is from sending a request to having its whole body. A second run takes the think time
away (each user sends its next request as soon as the last is answered) to show what the server
does at saturation; there the load generator shares the machine's cores with the server.

With ``--batch N`` a third run follows on the same server, started with ``--job-workers J``:
the same users and think time while the admin posts a ZIP of N documents to ``POST /api/batches``
(seed copies with renamed units and a few Shanghai PDFs, ``bench/batchload.py``) and the job
workers process it. That run lasts until the batch is complete or ``--batch-duration`` seconds
have passed; the bench then waits for the rest of the batch without load to give its total
time. The users keep opening the documents of the store before the batch; list pages grow with
the batch's documents. ``--job-workers 1,2`` repeats everything on a new server per count (the
saturation run only on the first). ``--batch-nice 10`` lowers the job workers and their reader
processes to that niceness from outside (what ``os.nice`` in the workers would do).

Target: p95 of the document view under 300 ms with 50 users, also while a 200-document batch
is processed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import batchload  # bench/batchload.py
import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
HOST = "127.0.0.1"
TARGET_P95_MS = 300.0
MAX_REQUESTS_PER_USER = 10_000  # a bound on every loop, whatever the duration
_LOGIN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Samples:
    views: list[float] = field(default_factory=list)  # ms, document views
    lists: list[float] = field(default_factory=list)  # ms, list pages
    errors: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0  # seconds the run took
    server_cpu: float | None = None  # CPU seconds of the server's processes during the run
    client_cpu: float = 0.0  # CPU seconds of this load generator during the run

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def requests(self) -> int:
        return len(self.views) + len(self.lists) + sum(self.errors.values())


def server_cpu(pid: int) -> float | None:
    """CPU seconds (user + system, with its reaped children's) used so far by a process and
    all its descendants (Linux's /proc; None elsewhere): the server's own cost, whatever else
    the machine runs."""
    if not (Path("/proc") / str(pid)).exists():
        return None
    parents, times = batchload.processes()
    return sum(times.get(p, 0.0) for p in batchload.family([pid], parents))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _yusuan() -> list[str]:
    script = Path(sys.executable).parent / "yusuan"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from yusuan.cli import main; main()"]


@contextmanager
def server(folder: Path, workers: int, password: str, job_workers: int = 1
           ) -> Iterator[tuple[str, int]]:  # fmt: skip
    """``yusuan serve`` with the seeds and the example; yields its base URL and process id."""
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        sys.exit(f"no seeds under {SHARED / 'seeds'}")
    port = _free_port()
    command = [
        *_yusuan(), "serve", "--host", HOST, "--port", str(port),
        "--db", f"sqlite:///{folder / 'web.db'}", "--data-dir", str(folder / "data"),
        "--workers", str(workers), "--job-workers", str(job_workers), "--example",
    ]  # fmt: skip
    for seed in seeds:
        command += ["--ingest", str(seed)]
    env = {**os.environ, "YUSUAN_ADMIN_PASSWORD": password, "YUSUAN_ADMIN_USER": "admin"}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)  # fmt: skip
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (folder / "server.log").read_text(errors="replace")[-3000:]
                sys.exit(f"yusuan serve did not start:\n{tail}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGINT)  # uvicorn stops its workers and exits
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the server's own process group
            process.wait(5)
        log.close()


def prepare(url: str, password: str, users: int) -> tuple[list[int], list[str], str]:
    """The documents to open, the reviewers' user names (made by the admin via the API) and
    the admin's API token."""
    with httpx.Client(base_url=url, timeout=60) as client:
        token = client.post(
            "/api/auth/token", json={"username": "admin", "password": password, "name": "bench"}
        )
        token.raise_for_status()
        client.headers["Authorization"] = f"Bearer {token.json()['token']}"
        documents = [d["id"] for d in client.get("/api/documents").raise_for_status().json()]
        names = [f"reviewer{n:02d}" for n in range(1, users + 1)]
        for name in names:
            created = client.post("/api/users", json={"username": name, "role": "reviewer",
                                                      "password": password})  # fmt: skip
            created.raise_for_status()
    return documents, names, token.json()["token"]


async def sign_in(url: str, username: str, password: str) -> httpx.AsyncClient:
    """A browser-like session: the login form's token, the form posted, the session cookie."""
    client = httpx.AsyncClient(base_url=url, timeout=60, follow_redirects=False,
                               limits=httpx.Limits(max_connections=2))  # fmt: skip
    form = await client.get("/login")
    found = _LOGIN_TOKEN.search(form.text)
    if found is None:
        raise RuntimeError("no sign-in form")
    answer = await client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": found.group(1),
            "next": "/queue",
        },
    )
    if answer.status_code != 303:
        raise RuntimeError(f"{username} could not sign in ({answer.status_code})")
    return client


async def fetch(client: httpx.AsyncClient, path: str, samples: Samples, is_view: bool) -> None:
    start = time.perf_counter()
    try:
        response = await client.get(path)
        body = response.content
    except httpx.HTTPError as exc:
        samples.error(type(exc).__name__)
        return
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200 or not body:
        samples.error(f"HTTP {response.status_code}")
    elif is_view and b'class="tables-pane"' not in body:
        samples.error("document view without its tables")
    else:
        (samples.views if is_view else samples.lists).append(elapsed)


async def reviewer(
    client: httpx.AsyncClient, documents: list[int], samples: Samples, until: float,
    think: tuple[float, float], rng: random.Random, stop: asyncio.Event,
) -> None:  # fmt: skip
    if think[1] > 0:
        await _pause(rng.uniform(0, think[1]), stop)  # users do not all start at once
    for _ in range(MAX_REQUESTS_PER_USER):
        if time.perf_counter() >= until or stop.is_set():
            return
        if rng.random() < 0.8:
            await fetch(client, f"/documents/{rng.choice(documents)}", samples, True)
        else:
            await fetch(client, rng.choice(("/documents", "/queue")), samples, False)
        if think[1] > 0:  # thinking, but not past the end of the run
            await _pause(max(0.0, min(rng.uniform(*think), until - time.perf_counter())), stop)


async def _pause(seconds: float, stop: asyncio.Event) -> None:
    """Sleep ``seconds``, or less when ``stop`` is set meanwhile."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run(clients: list[httpx.AsyncClient], documents: list[int], seconds: float,
              think: tuple[float, float], seed: int, pid: int,
              stop: asyncio.Event | None = None) -> Samples:  # fmt: skip
    """The users at work for ``seconds``, or until ``stop`` is set."""
    stop = stop or asyncio.Event()
    samples = Samples()
    cpu, own = server_cpu(pid), time.process_time()
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(*(
        reviewer(c, documents, samples, until, think, random.Random(seed * 1000 + i), stop)
        for i, c in enumerate(clients)
    ))  # fmt: skip
    samples.wall = time.perf_counter() - start
    after = server_cpu(pid)
    if cpu is not None and after is not None:
        samples.server_cpu = after - cpu
    samples.client_cpu = time.process_time() - own
    return samples


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<15} none"
    return (f"  {label:<15} n {len(values):>5}  p50 {percentile(values, 50):7.1f} ms  "
            f"p95 {percentile(values, 95):7.1f} ms  p99 {percentile(values, 99):7.1f} ms  "
            f"max {max(values):7.1f} ms  mean {statistics.fmean(values):6.1f} ms")  # fmt: skip


def report(samples: Samples, target: bool) -> None:
    wall = samples.wall
    errors = ", ".join(f"{k} × {v}" for k, v in sorted(samples.errors.items())) or "0"
    print(f"  requests {samples.requests} in {wall:.1f} s: {samples.requests / wall:.1f} req/s "
          f"(document views {len(samples.views)}, lists {len(samples.lists)}); "
          f"errors {errors}")  # fmt: skip
    print(line("document view", samples.views))
    print(line("list pages", samples.lists))
    if samples.server_cpu is not None and samples.requests:
        per = samples.server_cpu / samples.requests * 1000
        print(f"  CPU: server {samples.server_cpu:.1f} s ({per:.1f} ms per request, "
              f"{samples.server_cpu / wall:.2f} cores), load generator {samples.client_cpu:.1f} s "
              f"({samples.client_cpu / wall:.2f} cores); machine load average "
              f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    if target and samples.views:
        p95 = percentile(samples.views, 95)
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(f"  target: document view p95 < {TARGET_P95_MS:.0f} ms: {verdict} ({p95:.1f} ms)")


async def bench(url: str, pid: int, documents: list[int], names: list[str], password: str,
                args: argparse.Namespace, saturation: float, token: str = "",
                batch: bytes = b"") -> None:  # fmt: skip
    started = time.perf_counter()
    clients = []
    for name in names:  # one at a time: signing in is an argon2id hash on the server
        clients.append(await sign_in(url, name, password))
    signed = time.perf_counter() - started
    try:
        warm = Samples()
        first = time.perf_counter()
        for client in clients:  # every user opens every document once: caches warm
            for doc in documents:
                await fetch(client, f"/documents/{doc}", warm, True)
        warm_wall = time.perf_counter() - first
        print(f"  {len(clients)} users signed in in {signed:.1f} s; warm-up: each opened each of "
              f"the {len(documents)} documents once ({len(warm.views)} views in {warm_wall:.1f} s, "
              f"sequential: p50 {percentile(warm.views, 50):.1f} ms, "
              f"max {max(warm.views or [0]):.1f} ms; "
              f"errors {sum(warm.errors.values())})")  # fmt: skip
        think = (args.think_min, args.think_max)
        print(f"load: {len(clients)} users, think time uniform {think[0]}–{think[1]} s, "
              f"{args.duration:.0f} s; 80 % document views, 20 % list pages")  # fmt: skip
        report(await run(clients, documents, args.duration, think, 1, pid), target=True)
        if saturation > 0:
            print(f"saturation: the same {len(clients)} users with no think time, "
                  f"{saturation:.0f} s")  # fmt: skip
            samples = await run(clients, documents, saturation, (0.0, 0.0), 2, pid)
            report(samples, target=False)
        if batch:
            await with_batch(url, pid, clients, documents, token, batch, args)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


async def with_batch(url: str, pid: int, clients: list[httpx.AsyncClient], documents: list[int],
                     token: str, batch: bytes, args: argparse.Namespace) -> None:  # fmt: skip
    """The users at work while the admin posts ``batch`` and the job workers process it."""
    think = (args.think_min, args.think_max)
    workers = batchload.job_workers(pid)
    reniced = batchload.renice(pid, args.batch_nice)
    nice = f"niced to {args.batch_nice} by the bench" if args.batch_nice > 0 else "not niced"
    print(f"with a batch: the same {len(clients)} users and think time while a batch of "
          f"{args.batch} documents is processed by {len(workers)} job worker(s) ({nice}"
          f"{f', {reniced} threads' if reniced else ''}); until the batch is complete, "
          f"at most {args.batch_duration:.0f} s")  # fmt: skip
    followed = batchload.Followed()
    stop = asyncio.Event()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=300, headers=headers) as admin:
        before = batchload.cpu_split(pid)
        load = asyncio.create_task(
            run(clients, documents, args.batch_duration, think, 3, pid, stop)
        )
        start = time.perf_counter()
        try:
            batch_id = await batchload.post_batch(admin, batch, followed)
            await batchload.follow(admin, batch_id, followed, start + args.batch_duration,
                                   pid, args.batch_nice)  # fmt: skip
        finally:
            stop.set()
            samples = await load
        window = time.perf_counter() - start
        during = batchload.cpu_split(pid)
        in_window = followed.ended()
        if followed.ended_at is None:  # the rest of the batch, without load
            await batchload.follow(admin, batch_id, followed, start + args.batch_wait,
                                   pid, args.batch_nice)  # fmt: skip
    if before is not None and during is not None:  # per request: the web processes' own CPU
        samples.server_cpu = during[1] - before[1]
    report(samples, target=True)
    counts = ", ".join(f"{k} {v}" for k, v in followed.counts.items() if v) or "none"
    polls = followed.polls
    print(f"  batch: POST /api/batches {followed.post_ms:.0f} ms ({followed.total} files queued); "
          f"{in_window} of {followed.total} finished during the {window:.1f} s window; "
          f"progress polled every {batchload.POLL_SECONDS:.0f} s: p50 "
          f"{percentile(polls, 50):.1f} ms, p95 {percentile(polls, 95):.1f} ms")  # fmt: skip
    if followed.ended_at is not None:
        total = followed.ended_at - followed.posted
        rest = max(0.0, followed.ended_at - start - window)
        print(f"  batch total time {total:.1f} s ({followed.total / total:.2f} documents/s"
              f"{f'; its last {rest:.0f} s without load' if rest > 1 else ''}); "
              f"states: {counts}")  # fmt: skip
    else:
        print(f"  batch NOT complete after {args.batch_wait:.0f} s: "
              f"{followed.ended()} of {followed.total} finished; states: {counts}")  # fmt: skip
    if followed.errors:
        print(f"  batch polling errors: {followed.errors}")
    if before is not None and during is not None:
        jobs, web = during[0] - before[0], during[1] - before[1]
        print(f"  CPU during the window: job workers and their readers {jobs:.1f} s "
              f"({jobs / window:.2f} cores), web processes {web:.1f} s "
              f"({web / window:.2f} cores; the \"server\" figure above)")  # fmt: skip


def profile(folder: Path) -> None:
    """Where a document view's time goes: the route's two steps (``documents.detail`` and the
    page's template) run in-process on the seeds, views cached, under pyinstrument."""
    try:
        profiler = importlib.import_module("pyinstrument").Profiler(interval=0.0002)
    except ImportError:
        print("  (pyinstrument is not installed: pip install pyinstrument)")
        return
    sys.path.insert(0, str(ROOT))
    import timeit

    from starlette.requests import Request

    from tests.webutil import context, ingest_seed, make_app
    from yusuan.web import documents as service
    from yusuan.web.principal import SYSTEM
    from yusuan.web.templating import render

    app = make_app(f"sqlite:///{folder / 'profile.db'}", folder / "profile")
    ctx = context(app)
    ids = [
        doc
        for s in ("000", "001", "002", "003")
        if (doc := ingest_seed(app, s).disclosure_id) is not None
    ]

    def view(doc: int) -> int:
        request = Request({"type": "http", "method": "GET", "path": f"/documents/{doc}",
                           "query_string": b"", "headers": [], "app": app})  # fmt: skip
        request.state.principal = SYSTEM
        detail = service.detail(ctx, SYSTEM, doc)
        page = render(request, "document.html", {"doc": detail, "panes": detail.view.panes})
        return len(page.body)

    sizes = [view(doc) for doc in ids]  # views built and cached
    runs = [timeit.timeit(lambda: [view(doc) for doc in ids], number=10) for _ in range(5)]
    detail = [timeit.timeit(lambda: [service.detail(ctx, SYSTEM, doc) for doc in ids], number=10)
              for _ in range(5)]  # fmt: skip
    per = 1000 / (10 * len(ids))
    print(f"  one view ({min(sizes) // 1024}–{max(sizes) // 1024} KB of HTML): best "
          f"{min(runs) * per:.2f} ms, of which documents.detail {min(detail) * per:.2f} ms "
          f"(the rest is the page's template)")  # fmt: skip
    with profiler:
        for _ in range(50):
            for doc in ids:
                view(doc)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    ctx.store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the load run")
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=1.5)
    parser.add_argument("--saturation", type=float, default=10.0,
                        help="seconds of the run without think time (0: none)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--profile", action="store_true")
    group = parser.add_argument_group("a batch processed during a third run")
    group.add_argument("--batch", type=int, default=0, help="documents in the batch (0: none)")
    group.add_argument("--batch-duration", type=float, default=240.0,
                       help="at most this many seconds of load while it runs")  # fmt: skip
    group.add_argument("--batch-wait", type=float, default=900.0,
                       help="seconds after its post to wait for it to complete")  # fmt: skip
    group.add_argument("--job-workers", default="1",
                       help="job worker processes: 1, 2 or 1,2 (a server each)")  # fmt: skip
    group.add_argument("--batch-nice", type=int, default=0,
                       help="niceness the bench gives the job workers (0: none)")  # fmt: skip
    args = parser.parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    args.duration = min(max(args.duration, 1.0), 600.0)
    args.saturation = min(max(args.saturation, 0.0), 600.0)
    args.batch = min(max(args.batch, 0), 500)  # the server's batch_max_files
    args.batch_duration = min(max(args.batch_duration, 1.0), 1800.0)
    args.batch_wait = min(max(args.batch_wait, args.batch_duration), 3600.0)
    args.batch_nice = min(max(args.batch_nice, 0), 19)
    counts = [int(n) for n in str(args.job_workers).split(",") if n.strip()] or [1]
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="yusuan-bench-web-") as name:
        folder = Path(name)
        batch, what = batchload.batch_zip(args.batch, folder) if args.batch else (b"", "")
        for index, count in enumerate(counts):
            jobs = f", --job-workers {count}" if args.batch else ""
            print(f"web (yusuan serve --workers {args.workers}{jobs}, SQLite, on {HOST}; "
                  f"{os.cpu_count()} cores shared by the server and the load generator; target "
                  f"document view p95 < {TARGET_P95_MS:.0f} ms with 50 users)")  # fmt: skip
            if batch:
                print(f"  batch: {what}")
            (folder / str(index)).mkdir()
            with server(folder / str(index), args.workers, password, count) as (url, pid):
                documents, names, token = prepare(url, password, args.users)
                print(f"  store: {len(documents)} documents (the seeds and the example)")
                saturation = args.saturation if index == 0 else 0.0
                asyncio.run(bench(url, pid, documents, names, password, args, saturation,
                                  token, batch))  # fmt: skip
        if args.profile:
            print("profile: one document view, in-process, views cached")
            profile(folder)


if __name__ == "__main__":
    main(sys.argv[1:])
