"""Uploads: size, page-count and request limits; the type decided by content, not by name;
safe stored names; duplicates; every outcome recorded."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tests.conftest import seed_path
from tests.webutil import Browser, add_user, context, drain, make_app
from yusuan.store.accounts import Upload

SMALL = 50_000  # bytes per file in these tests: seed 003 (33 KB) fits, seed 001 (69 KB) not


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path, max_upload_bytes=SMALL, max_files=3, max_pages=15)
    add_user(application, "rev", "reviewer")
    yield application
    context(application).store.close()


@pytest.fixture
def browser(app: FastAPI) -> Browser:
    client = Browser(app)
    client.login("rev")
    return client


def upload(browser: Browser, name: str, data: bytes) -> dict[str, object]:
    return browser.upload([("files", (name, data, "text/plain"))])[0]


def example_docx(tmp_path: Path) -> bytes:
    from yusuan.budget.build import build
    from yusuan.budget.io import load_data
    from yusuan.render.docx import write_docx

    source = Path(str(files("yusuan.examples").joinpath("example_unit_2025.yaml")))
    target = tmp_path / "example.docx"
    write_docx(build(load_data(source), str(source)), target, {})
    return target.read_bytes()


def test_size_and_page_limits(app: FastAPI, browser: Browser) -> None:
    too_big = upload(browser, "001.txt", seed_path("001").read_bytes())  # 69 KB > 50 KB
    assert too_big["status"] == "rejected"
    assert too_big["message"] == "文件大小 69.0 KB，超过上限 48.8 KB"
    # 003 is small enough, but has 20 pages of text (60 lines a page) against a limit of 15
    too_long = upload(browser, "003.txt", seed_path("003").read_bytes())
    assert too_long["status"] == "rejected" and "页，超过上限 15 页" in str(too_long["message"])
    # more files than allowed in one request
    many = [("files", (f"{i}.txt", b"x", "text/plain")) for i in range(4)]
    response = browser.api("POST", "/api/documents", files=many)
    assert response.status_code == 400 and "最多上传 3 个文件" in response.json()["detail"]
    # a request body beyond every file's limit together is refused before it is parsed
    huge = b"0" * (SMALL * 3 + 1024 * 1024 + 10)
    cut = browser.api("POST", "/api/documents", files=[("files", ("big.txt", huge, "text/plain"))])
    assert cut.status_code == 413 and "超过大小上限" in cut.json()["detail"]

    # other routes take small bodies only, also when the length is not announced
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 100_000

    streamed = browser.api(
        "POST", "/api/tokens", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    with context(app).store.reader() as session:
        statuses = [u.status for u in session.scalars(select(Upload).order_by(Upload.id))]
    assert statuses == ["rejected", "rejected"]


def test_type_is_decided_by_content(app: FastAPI, browser: Browser, tmp_path: Path) -> None:
    uploads_dir = context(app).settings.uploads_dir
    # a Word document sent as .txt is read as Word
    docx = upload(browser, "预算.txt", example_docx(tmp_path))
    assert docx["status"] == "stored" and docx["unit_name"] == "示例市数据服务中心"
    listed = browser.get(f"/api/documents/{docx['disclosure_id']}").json()["document"]
    assert listed["extraction"] == "docx" and listed["file_name"] == "预算.txt"
    # binary content under a text name is refused, and so are other containers
    elf = upload(browser, "report.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 20)
    assert elf["status"] == "rejected" and "无法识别的文件类型" in str(elf["message"])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "not an office file")
    zipped = upload(browser, "budget.docx", archive.getvalue())
    assert zipped["status"] == "rejected" and "不是 Word" in str(zipped["message"])
    ole = upload(browser, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert ole["status"] == "rejected" and "旧版" in str(ole["message"])
    assert (
        upload(browser, "empty.txt", b"")["message"] == "文件为空，请确认导出或上传的文件是否完整"
    )
    # text that is no disclosure is read and fails with the reader's message
    notes = upload(browser, "notes.pdf", "会议纪要\n今天讨论了工作安排。\n".encode() * 30)
    assert notes["status"] == "failed" and notes["disclosure_id"] is None
    # only the stored document is kept on disk, under a name made from its content
    kept = sorted(
        p.relative_to(uploads_dir).as_posix() for p in uploads_dir.rglob("*") if p.is_file()
    )
    assert len(kept) == 1 and re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{64}\.docx", kept[0])


def test_stored_names_are_safe_and_duplicates_are_recognised(
    app: FastAPI, browser: Browser
) -> None:
    data = seed_path("002").read_bytes()  # 37 KB, 12 pages
    first = upload(browser, "../../etc/passwd<b>.txt", data)
    assert first["status"] == "stored" and first["file_name"] == "passwd<b>.txt"
    again = upload(browser, "copy.txt", data)
    assert again["status"] == "duplicate" and again["disclosure_id"] == first["disclosure_id"]
    uploads_dir = context(app).settings.uploads_dir
    with context(app).store.reader() as session:
        rows = list(session.scalars(select(Upload).order_by(Upload.id)))
    assert [r.status for r in rows] == ["stored", "duplicate"]
    assert rows[0].stored_name and re.fullmatch(
        r"[0-9a-f]{2}/[0-9a-f]{64}\.txt", rows[0].stored_name
    )
    stored = (uploads_dir / rows[0].stored_name).resolve()
    assert stored.is_relative_to(uploads_dir.resolve()) and stored.read_bytes() == data
    assert not (uploads_dir.parent.parent / "etc").exists()
    page = browser.get("/upload").text
    assert "passwd&lt;b&gt;.txt" in page and "passwd<b>" not in page
    # the original file comes back under the name it was sent with
    source = browser.get(f"/documents/{first['disclosure_id']}/source")
    assert source.content == data and "passwd%3Cb%3E.txt" in source.headers["content-disposition"]


def test_upload_page_without_javascript(browser: Browser) -> None:
    data = seed_path("002").read_bytes()
    page = browser.post_form("/upload", files=[("files", ("长治.txt", data, "text/plain"))])
    assert page.status_code == 200
    assert "已收到 1 个文件" in page.text and "排队中" in page.text  # taken, not yet read
    assert 'data-job-url="/api/jobs/' in page.text  # the page's script follows it
    assert "长治市屯留区医疗保障局" not in page.text
    assert drain(browser.client.app) == 1  # type: ignore[arg-type]
    page = browser.get("/upload")
    assert "已入库" in page.text and "长治市屯留区医疗保障局" in page.text
    assert "data-job-url" not in page.text
