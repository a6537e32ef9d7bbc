"""Batches: a ZIP (or a folder, or many files) of real disclosures brought in as one batch, its
jobs run in this process (``drain``), then the batch as the API, its page, its 检查表 workbook
and its findings list show it.

The ZIP holds the four Shanxi seeds and two Shanghai PDFs under GBK and UTF-8 names (with and
without the UTF-8 flag, as Windows and other tools write them), seed 001 a second time (a
duplicate), a copy of seed 001 with one figure of its text changed (a second, different document
of the same unit and year), a ZIP inside the ZIP, and what a Mac or Windows adds (``__MACOSX``,
``.DS_Store``, folder entries). Unit names and years expected are the documents' own
(``tests/expected``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import signal
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from tests.conftest import SEED_IDS, SHARED, expected, seed_path
from tests.webutil import Browser, add_user, context, drain, make_app, renamed, unit_id
from yusuan.web.exports import FINDING_HEADERS

SHANGHAI = SHARED / "real-docs" / "shanghai"
CZJ, SWW = "shpt_czj_2025_dept_budget", "shpt_sww_2025_dept_budget"
# seed 001 with one figure of its narrative changed: 收入总计 1,867.77 → 1,876.77 万元 (tables
# still say 1867.77), so it is a different document of the same unit and year, and wrong.
ORIGINAL_FIGURE, CHANGED_FIGURE = "收入总计1,867.77万元", "收入总计1,876.77万元"


class _RawName(zipfile.ZipInfo):
    """A member whose name is written as ``encoding``'s bytes without the UTF-8 flag, as
    Windows' own ZIP (GBK) or some tools (UTF-8 unflagged) write names."""

    encoding = "gbk"

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's own hook
        return self.filename.encode(self.encoding), self.flag_bits & ~0x800


class _Utf8Unflagged(_RawName):
    encoding = "utf-8"


def _add(archive: zipfile.ZipFile, name: str, data: bytes, style: str = "utf-8") -> None:
    info = {"gbk": _RawName, "utf-8-raw": _Utf8Unflagged}.get(style, zipfile.ZipInfo)(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def modified_seed_001() -> bytes:
    text = seed_path("001").read_text(encoding="utf-8")
    assert text.count(ORIGINAL_FIGURE) == 1
    return text.replace(ORIGINAL_FIGURE, CHANGED_FIGURE).encode("utf-8")


@dataclass(frozen=True)
class Member:
    path: str  # inside the ZIP
    style: str  # gbk, utf-8 (flagged), utf-8-raw (unflagged)
    source: str  # seed id, Shanghai stem, "modified", "zip"

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


MEMBERS = [
    Member("山西/阳泉/医疗保险管理服务中心2025年预算.txt", "gbk", "000"),
    Member("山西/汾阳/汾阳市医疗保障局2024年单位预算.txt", "gbk", "001"),
    Member("山西/长治市屯留区医疗保障局.txt", "utf-8", "002"),
    Member("山西/汾阳/医疗保险服务中心.txt", "utf-8-raw", "003"),
    Member("上海/普陀区财政局2025年部门预算.pdf", "utf-8", CZJ),
    Member("上海/普陀区商务委员会（部门预算）.pdf", "gbk", SWW),
    Member("重复/汾阳市医疗保障局（副本）.txt", "gbk", "001"),
    Member("修改版/汾阳市医疗保障局2024年单位预算（修改）.txt", "utf-8", "modified"),
    Member("附件/其他材料.zip", "gbk", "zip"),
]
SKIPPED = ["__MACOSX/山西/._汾阳市医疗保障局.txt", "山西/.DS_Store", "Thumbs.db", "山西/.隐藏.txt"]


def _data(source: str) -> bytes:
    if source == "modified":
        return modified_seed_001()
    if source == "zip":
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as archive:
            archive.writestr("说明.txt", "附件".encode())
        return inner.getvalue()
    if source in (CZJ, SWW):
        return (SHANGHAI / f"{source}.pdf").read_bytes()
    return seed_path(source).read_bytes()


def batch_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_RawName("山西/"), b"")  # a folder entry
        for member in MEMBERS:
            _add(archive, member.path, _data(member.source), member.style)
        for name in SKIPPED:
            _add(archive, name, b"\x00\x05\x16\x07", "gbk")
    return buffer.getvalue()


def meta(source: str) -> dict[str, Any]:
    if source == "modified":
        source = "001"
    if source in (CZJ, SWW):
        from importlib import import_module

        return dict(import_module(f"tests.expected.shanghai.{source}").META)
    module = expected(source)
    return dict(module.META)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path, reading_processes=1)
    add_user(application, "reviewer", "reviewer")
    yield application
    context(application).close()


def _reviewer(app: FastAPI) -> Browser:
    browser = Browser(app)
    assert browser.login("reviewer").status_code == 303
    return browser


def _send(browser: Browser, data: bytes, name: str = "2024年度送审.zip") -> Any:
    return browser.api("POST", "/api/batches", files=[("files", (name, data, "application/zip"))])


def test_a_zip_of_real_documents_becomes_one_batch(app: FastAPI) -> None:
    browser = _reviewer(app)
    sent = _send(browser, batch_zip())
    assert sent.status_code == 202, sent.text
    queued = sent.json()
    assert queued["name"] == "2024年度送审" and queued["files"] == len(MEMBERS)
    assert sent.headers["Location"] == queued["url"] == f"/api/batches/{queued['batch_id']}"
    before = browser.get(queued["url"]).json()
    assert before["complete"] is False and before["counts"]["queued"] == 7
    drain(app)
    batch = browser.get(queued["url"]).json()
    assert batch["complete"] is True and batch["percent"] == 100
    assert batch["ended"] == batch["total"] == len(MEMBERS)
    assert batch["counts"] == {"queued": 0, "running": 0, "stored": 6 + 1, "duplicate": 1,
                               "failed": 1}  # fmt: skip
    docs = {d["file_name"]: d for d in batch["documents"]}
    assert list(docs) == [m.file_name for m in MEMBERS]  # GBK and UTF-8 names decoded
    for member in MEMBERS:
        doc = docs[member.file_name]
        if member.source == "zip":
            assert doc["state"] == "failed" and doc["state_label"] == "失败"
            assert "压缩包中的压缩包不会展开" in doc["message"]
            continue
        expected_meta = meta(member.source)
        assert doc["unit_name"] == expected_meta["unit_name"], member
        assert doc["year"] == expected_meta["year"], member
        assert doc["scope"] == expected_meta["scope"], member
        assert doc["kind"] == "预算"

    original = docs[MEMBERS[1].file_name]
    duplicate = docs[MEMBERS[6].file_name]
    changed = docs[MEMBERS[7].file_name]
    assert original["state"] == "stored" and original["version"] == 1
    assert duplicate["state"] == "duplicate" and duplicate["state_label"] == "重复"
    assert duplicate["disclosure_id"] == original["disclosure_id"]
    assert duplicate["note"] == f"与本批次中的“{MEMBERS[1].file_name}”内容相同"
    assert changed["state"] == "stored" and changed["state_label"] == "已入库"
    assert changed["disclosure_id"] != original["disclosure_id"]
    assert changed["version"] == 2 and changed["previous_id"] == original["disclosure_id"]
    assert changed["note"] == "同一单位、年度的另一份文件（第2版）"
    assert original["note"] == "同一单位、年度另有第2版"
    assert changed["errors"] > original["errors"]  # the changed figure contradicts the tables
    for other in (MEMBERS[0], MEMBERS[2], MEMBERS[4]):
        assert docs[other.file_name]["version"] == 1 and docs[other.file_name]["note"] == ""

    page = browser.get(f"/batches/{queued['batch_id']}")
    assert page.status_code == 200
    for text in ("同一单位、年度的另一份文件（第2版）", "重复", "已入库", "失败",
                 meta(CZJ)["unit_name"], "汾阳市医疗保障局", "100%",
                 f"/documents/{changed['disclosure_id']}"):  # fmt: skip
        assert text in page.text, text
    listed = browser.get("/api/batches").json()
    assert [(b["id"], b["total"], b["percent"]) for b in listed] == [
        (queued["batch_id"], len(MEMBERS), 100)
    ]
    assert "2024年度送审" in browser.get("/batches").text

    _check_the_workbook(browser, queued["batch_id"], batch)
    _check_the_findings(browser, queued["batch_id"], batch)


def _check_the_workbook(browser: Browser, batch_id: int, batch: dict[str, Any]) -> None:
    docs = batch["documents"]
    stored = [d for d in docs if d["state"] == "stored"]
    # a reviewer's decision shows in the 审核意见 column of that document's sheet
    target = next(d for d in stored if d["unit_name"] == meta("000")["unit_name"])
    findings = browser.get(f"/api/documents/{target['disclosure_id']}/findings").json()
    error = next(f for f in findings if f["severity"] == "error")
    decided = browser.api(
        "PUT", f"/api/documents/{target['disclosure_id']}/findings/{error['id']}/review",
        json={"decision": "accepted", "reason": "与原文核对属实"},
    )  # fmt: skip
    assert decided.status_code == 204, decided.text

    response = browser.get(f"/batches/{batch_id}/checklist.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "汇总"
    sheets = book.sheetnames[1:]
    assert len(sheets) == len(stored)  # one sheet per document; the duplicate has none
    assert len(set(sheets)) == len(sheets) and all(len(n) <= 31 for n in sheets)
    summary = book["汇总"]
    header = [c.value for c in summary[2]]
    for name in ("文件名", "单位名称", "年度", "类别", "处理结果", "错误", "警告", "网页链接"):
        assert name in header, name
    col = {name: header.index(name) for name in header if name}
    rows = [[c.value for c in r] for r in summary.iter_rows(min_row=3, max_row=2 + len(docs))]
    assert summary.cell(row=3 + len(docs), column=1).value is None  # one row per file, no more
    for row, doc in zip(rows, docs, strict=True):
        assert row[col["文件名"]] == doc["file_name"]
        assert row[col["处理结果"]] == doc["state_label"]
        if doc["state"] in ("stored", "duplicate"):
            assert row[col["单位名称"]] == doc["unit_name"]
            assert row[col["年度"]] == doc["year"]
            assert row[col["类别"]] == "预算"
            assert row[col["错误"]] == doc["errors"] and row[col["警告"]] == doc["warnings"]
            assert row[col["网页链接"]].endswith(f"/documents/{doc['disclosure_id']}")
    changed_row = rows[7]
    assert changed_row[col["版本"]] == "第2版"
    assert "同一单位、年度的另一份文件（第2版）" in changed_row[col["说明"]]
    for sheet_name in sheets:
        sheet = book[sheet_name]
        heads = [c.value for c in sheet[2]]
        assert "审核意见" in heads and "审核人" in heads, sheet_name
        assert "检查项目" in heads
    # the linked sheet of the decided document holds the reviewer's opinion and name
    unit_cell = summary.cell(row=3, column=col["单位名称"] + 1)
    assert unit_cell.hyperlink is not None
    linked = unit_cell.hyperlink.location or unit_cell.hyperlink.target
    sheet = book[linked.split("'")[1]]
    heads = [c.value for c in sheet[2]]
    opinions = [r[heads.index("审核意见")] for r in sheet.iter_rows(min_row=3, values_only=True)]
    reviewers = [r[heads.index("审核人")] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert any(o and "与原文核对属实" in o for o in opinions)
    assert "reviewer" in reviewers
    # two sheets of the same unit (versions 1 and 2) get different names
    fenyang = [n for n in sheets if n.startswith("汾阳市医疗保障局")]
    assert len(fenyang) == 2


def _check_the_findings(browser: Browser, batch_id: int, batch: dict[str, Any]) -> None:
    ids = {d["disclosure_id"] for d in batch["documents"] if d["disclosure_id"]}
    expected_count = sum(len(browser.get(f"/api/documents/{i}/findings").json()) for i in ids)
    response = browser.get(f"/batches/{batch_id}/findings.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == FINDING_HEADERS
    assert len(rows) - 1 == expected_count
    assert {int(r[0]) for r in rows[1:]} == ids
    book = load_workbook(io.BytesIO(browser.get(f"/batches/{batch_id}/findings.xlsx").content))
    sheet = book.active
    assert sheet is not None
    assert tuple(c.value for c in sheet[1]) == FINDING_HEADERS
    assert sheet.max_row - 1 == expected_count


# --- limits and access ----------------------------------------------------------------------


def test_a_zip_bomb_is_refused_whole(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'y.db'}", tmp_path, reading_processes=1,
                   batch_max_bytes=8 * 1024 * 1024)  # fmt: skip
    add_user(app, "reviewer", "reviewer")
    try:
        browser = _reviewer(app)
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a.txt", seed_path("001").read_bytes())
            archive.writestr("零.txt", b"\0" * (40 * 1024 * 1024))  # 40 MB in ~40 KB
        assert len(bomb.getvalue()) < 200_000
        refused = _send(browser, bomb.getvalue(), "炸弹.zip")
        assert refused.status_code == 413
        detail = refused.json()["detail"]
        assert "压缩包“炸弹.zip”解压后共 40.1 MB，超过上限 8 MB" in detail and "压缩炸弹" in detail
        assert browser.get("/api/batches").json() == []  # nothing was made of it
        assert drain(app) == 0
        # the page form without JavaScript gets the same message on an error page
        page = browser.client.post(
            "/batches", data={"csrf_token": browser.csrf},
            files=[("files", ("炸弹.zip", bomb.getvalue(), "application/zip"))],
        )  # fmt: skip
        assert page.status_code == 413 and "压缩炸弹" in page.text
    finally:
        context(app).close()


def test_too_many_files_are_refused(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'y.db'}", tmp_path, reading_processes=1,
                   batch_max_files=3)  # fmt: skip
    add_user(app, "reviewer", "reviewer")
    try:
        browser = _reviewer(app)
        many = io.BytesIO()
        with zipfile.ZipFile(many, "w") as archive:
            for n in range(4):
                archive.writestr(f"文件{n}.txt", f"{n}".encode())
            archive.writestr("__MACOSX/._文件0.txt", b"x")  # not counted
        refused = _send(browser, many.getvalue())
        assert refused.status_code == 400
        assert refused.json()["detail"] == "一个批次最多 3 个文件，本次共 4 个；请分成几个批次上传"
        empty = io.BytesIO()
        with zipfile.ZipFile(empty, "w") as archive:
            archive.writestr("文件夹/", b"")
            archive.writestr(".DS_Store", b"x")
        nothing = _send(browser, empty.getvalue())
        assert nothing.status_code == 400 and "没有可以处理的文件" in nothing.json()["detail"]
    finally:
        context(app).close()


def test_unit_users_see_only_their_own_batches(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'y.db'}", tmp_path, reading_processes=1)
    try:
        fenyang = unit_id(app, meta("001")["unit_name"])
        add_user(app, "fenyang", "unit", [fenyang])
        add_user(app, "other", "unit", [unit_id(app, meta("002")["unit_name"])])
        add_user(app, "reviewer", "reviewer")
        unit = Browser(app)
        assert unit.login("fenyang").status_code == 303
        # a folder chosen in the browser: its files with their relative paths, no ZIP
        folder = [("files", (f"汾阳医保/{m}.txt", seed_path(s).read_bytes(), "text/plain"))
                  for m, s in (("本单位", "001"), ("他单位", "002"))]  # fmt: skip
        sent = unit.api("POST", "/api/batches", files=folder)
        assert sent.status_code == 202, sent.text
        batch_id = sent.json()["batch_id"]
        assert sent.json()["name"] == "汾阳医保"
        drain(app)
        batch = unit.get(f"/api/batches/{batch_id}").json()
        own, foreign = batch["documents"]
        assert own["state"] == "stored" and own["unit_name"] == meta("001")["unit_name"]
        assert foreign["state"] == "failed" and "不属于您的单位" in foreign["message"]
        assert foreign["disclosure_id"] is None

        other = Browser(app)
        assert other.login("other").status_code == 303
        assert other.get(f"/api/batches/{batch_id}").status_code == 404
        assert other.get(f"/batches/{batch_id}").status_code == 404
        assert other.get(f"/batches/{batch_id}/checklist.xlsx").status_code == 404
        assert other.get("/api/batches").json() == []

        reviewer = _reviewer(app)
        assert [b["id"] for b in reviewer.get("/api/batches").json()] == [batch_id]
        seen = reviewer.get(f"/api/batches/{batch_id}").json()
        assert seen["user_name"] == "fenyang" and seen["documents"][0]["disclosure_id"]
        assert 'href="/batches"' in reviewer.get("/upload").text  # the way to a batch
    finally:
        context(app).close()


# --- the server killed mid-batch ----------------------------------------------------------------

KILLED_COPIES = 3  # of each of the four Shanxi seeds: 12 documents, each its own unit


def test_the_server_killed_mid_batch_and_restarted(db_url: str, tmp_path: Path) -> None:
    """A ZIP of 12 documents sent to a real ``yusuan serve``; the whole server (its job worker
    and reader processes too) killed with SIGKILL when part of the batch is stored, then started
    again on the same database and data folder: the batch reaches 100 % and every file is stored
    exactly once, no job lost."""
    from tests.serveproc import (
        api_client,
        free_port,
        jobs,
        kill_group,
        serve,
        stored_once,
        token,
        wait,
    )
    from yusuan.store.db import open_store

    units: dict[str, str] = {}
    shas: list[str] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(1, KILLED_COPIES + 1):
            for seed in SEED_IDS:
                unit, data = renamed(seed, n)
                name = f"{unit}2025年预算.txt"
                _add(archive, f"第{n}组/{name}", data)
                units[name] = unit
                shas.append(hashlib.sha256(data).hexdigest())
    data_dir, port = tmp_path / "data", free_port()
    url = f"http://127.0.0.1:{port}"
    server = serve(db_url, data_dir, port)
    try:
        bearer = token(url)
        api = api_client(url, bearer)
        archive_file = ("送审.zip", buffer.getvalue(), "application/zip")
        sent = api.post("/api/batches", files=[("files", archive_file)])
        assert sent.status_code == 202, sent.text
        batch_url = sent.json()["url"]
        assert sent.json()["files"] == len(units)
        part = wait(lambda: (b := api.get(batch_url).json())["counts"]["stored"] >= 3 and b,
                    90, "part of the batch to be stored", pause=0.1)  # fmt: skip
    finally:
        kill_group(server)
    assert part["percent"] < 100
    store = open_store(db_url, upgrade=False)
    try:
        left = {j.id for j in jobs(store) if j.status in ("queued", "running")}
        assert left, "the server finished the batch before it was killed"
        server = serve(db_url, data_dir, port)
        try:
            api = api_client(url, bearer)
            batch = wait(lambda: (b := api.get(batch_url).json())["complete"] and b, 120,
                         "the batch to end", pause=0.2)  # fmt: skip
            assert batch["percent"] == 100 and batch["ended"] == batch["total"] == len(units)
            assert batch["counts"] == {"queued": 0, "running": 0, "stored": len(units),
                                       "duplicate": 0, "failed": 0}  # fmt: skip
            docs = {d["file_name"]: d for d in batch["documents"]}
            assert {name: d["unit_name"] for name, d in docs.items()} == units
            assert all(d["state"] == "stored" and d["version"] == 1 for d in docs.values())
            assert len({d["disclosure_id"] for d in docs.values()}) == len(units)
            listed = api.get("/api/documents").json()
            assert sorted(d["unit_name"] for d in listed) == sorted(units.values())
            ended = jobs(store)
            assert len(ended) == len(units)  # one job per file: none lost, none added
            assert {(j.status, j.outcome) for j in ended} == {("done", "stored")}
            assert left <= {j.id for j in ended}
            stored_once(store, shas)
        finally:
            server.send_signal(signal.SIGTERM)
            assert server.wait(60) == 0
    finally:
        store.close()
        kill_group(server)
