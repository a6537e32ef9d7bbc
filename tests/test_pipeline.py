"""The one pipeline (read → check → derive, then save), the one file-type detector, and the web
app's reader processes that run them."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path

import pytest

import yusuan
from tests.conftest import SHARED, seed_path
from yusuan import pipeline
from yusuan.derive.record import FileInfo
from yusuan.errors import UnreadableFileError, YusuanError
from yusuan.readers import FileKind, kind_of, load, sniff
from yusuan.readers.sourcelines import unpack
from yusuan.store.db import open_store
from yusuan.web.reading import Readers, Task

PDF = SHARED / "real-docs" / "shanghai" / "shpt_wljd_2024_budget.pdf"


def test_analyse_gives_the_cli_findings_and_the_lines_shown() -> None:
    data = seed_path("002").read_bytes()
    analysed = pipeline.analyse("stored/002.txt", data, name="长治.txt", lines=True)
    assert analysed.counts == yusuan.check(yusuan.read(seed_path("002"))).counts()
    assert analysed.file.path == "stored/002.txt" and analysed.file.size == len(data)
    assert analysed.record.unit_name == "长治市屯留区医疗保障局"
    assert analysed.lines_gz is not None
    lines = unpack(analysed.lines_gz)  # a text file is shown as it is, line by line
    assert [ln.text for ln in lines] == data.decode("utf-8").split("\n")
    assert pipeline.analyse(seed_path("002")).lines_gz is None  # ingest keeps no lines


def test_a_pdf_is_shown_as_the_lines_the_reader_rebuilt() -> None:
    analysed = pipeline.analyse(PDF, lines=True)
    document = load(PDF)
    assert analysed.lines_gz is not None
    shown = unpack(analysed.lines_gz)
    assert [(ln.number, ln.page) for ln in shown] == [(ln.number, ln.page) for ln in document.lines]
    assert analysed.counts == yusuan.check(yusuan.read(PDF)).counts()


def test_errors_are_described_once_naming_the_file() -> None:
    notes = "会议纪要\n今天讨论了工作安排。\n".encode() * 30
    with pytest.raises(YusuanError) as direct:
        yusuan.read("x.txt", notes)
    with pytest.raises(pipeline.Failed) as failed:
        pipeline.analyse("/srv/uploads/ab/abc.txt", notes, name="纪要.txt")
    hint = f"。{direct.value.hint}" if direct.value.hint else ""
    assert failed.value.reason == f"纪要.txt：{direct.value.message}{hint}"
    assert failed.value.file is not None and failed.value.file.size == len(notes)
    # without a name, the message is the error's own describe()
    with pytest.raises(pipeline.Failed) as plain:
        pipeline.analyse("x.txt", notes)
    assert plain.value.reason == direct.value.describe()
    with pytest.raises(pipeline.Failed) as gone:
        pipeline.analyse("/nonexistent/预算.pdf")
    assert gone.value.reason.startswith("/nonexistent/预算.pdf：无法读取文件")
    assert gone.value.file is None
    assert pipeline.describe(ZeroDivisionError("division by zero"), "a.pdf") == (
        "a.pdf：处理时发生意外错误（ZeroDivisionError：division by zero），请把该文件报告给开发者"
    )
    again = pickle.loads(pickle.dumps(failed.value))  # it travels back from a worker process
    assert again.reason == failed.value.reason and again.file == failed.value.file


def test_save_stores_once(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'y.db'}")
    try:
        analysed = pipeline.analyse(seed_path("000"))
        first = pipeline.save(store, analysed)
        assert first.status == "stored" and first.disclosure_id is not None
        assert pipeline.save(store, analysed).status == "skipped"
    finally:
        store.close()


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_one_detector_for_the_readers_and_the_upload() -> None:
    assert sniff(PDF.read_bytes()) == FileKind("pdf", 33)  # pdfinfo: 33 pages
    assert kind_of(b"\n" + PDF.read_bytes()) == "pdf"  # bytes before the header
    text = seed_path("002").read_bytes()
    assert sniff(text).kind == "text"
    assert sniff(text).pages == -(-text.count(b"\n") // 60)  # 60 lines a page
    assert sniff(b"<html><body><table><tr><td>1</td><td>2</td></tr></table>").kind == "html"
    assert kind_of(b"\x89PNG\r\n\x1a\n" + bytes(20)) == "png"
    assert kind_of(b"\xff\xd8\xff\xe0" + bytes(20)) == "jpeg"
    book = _zip({"xl/workbook.xml": '<workbook><sheets><sheet name="a"/><sheet name="b"/>'
                                    "</sheets></workbook>"})  # fmt: skip
    assert sniff(book, "预算.txt") == sniff(book)
    assert sniff(book).kind == "xlsx" and sniff(book).pages == 2
    with pytest.raises(UnreadableFileError, match="不是 Word"):
        kind_of(_zip({"readme.txt": "x"}))
    # a container too damaged to list goes by its name, so that its reader names the damage
    damaged = b"PK\x03\x04" + bytes(100)
    assert kind_of(damaged, "预算.docx") == "docx"
    with pytest.raises(UnreadableFileError, match="文件已损坏或不完整"):
        kind_of(damaged, "预算")
    with pytest.raises(YusuanError, match="Word"):
        load("预算.docx", damaged)
    with pytest.raises(UnreadableFileError, match="文件为空"):
        kind_of(b" \n")
    with pytest.raises(UnreadableFileError, match="无法识别的文件类型"):
        sniff(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 20)
    with pytest.raises(UnreadableFileError, match="旧版"):
        kind_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


def _unexpected(_: object) -> None:
    raise ZeroDivisionError("division by zero")


def test_reader_processes_carry_errors_back_and_survive_a_crash() -> None:
    readers = Readers(1)
    try:
        kind = readers.run(Task(sniff, (PDF.read_bytes(),)))
        assert (kind.kind, kind.pages) == ("pdf", 33)
        pid = next(iter(readers._pool._processes)) if readers._pool else None
        assert pid is not None and pid != os.getpid()
        with pytest.raises(UnreadableFileError) as error:  # as it is raised here
            readers.run(Task(sniff, (b"",), name="空.txt"))
        assert error.value.message == "文件为空" and error.value.hint
        with pytest.raises(pipeline.Failed) as failed:
            readers.run(Task(_unexpected, (1,), name="a.pdf"))
        assert failed.value.reason == pipeline.describe(ZeroDivisionError("division by zero"),
                                                        "a.pdf")  # fmt: skip
        with pytest.raises(pipeline.Failed, match="读取文件的进程意外退出"):
            readers.run(Task(os._exit, (3,), name="崩溃.pdf"))
        analysed = readers.run(Task(pipeline.analyse, (str(PDF),)))  # a fresh pool takes over
        assert analysed.counts == yusuan.check(yusuan.read(PDF)).counts()
        assert isinstance(analysed.file, FileInfo)
    finally:
        readers.close()
    assert readers._pool is None
