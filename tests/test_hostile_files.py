"""Hostile files (issue 16): every reader, on any input, ends with a result or a clear Chinese
message naming the file, within bounded time and memory.

Each hostile file (``tests.hostile``) is read by ``yusuan.read``, ``pipeline.analyse`` and (some)
``yusuan parse`` in a child process limited to ``MEMORY_LIMIT_BYTES`` of address space and
killed after ``TIME_LIMIT_SECONDS``. A fuzz test mutates real DOCX, XLSX, PDF and HTML files.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import zlib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yusuan
import yusuan.readers
from tests import hostile
from tests.conftest import seed_path
from yusuan.errors import UnreadableFileError, YusuanError
from yusuan.readers import limits as reader_limits

CASE_NAMES = (
    *(f"empty{suffix}" for suffix in hostile.EMPTY_SUFFIXES),
    "truncated.pdf",
    "truncated.docx",
    "truncated.xlsx",
    "truncated.html",
    "encrypted.pdf",
    "pages-2000.pdf",
    "page-20000pt.pdf",
    "flate-bomb.pdf",
    "flate-bomb-nested.pdf",
    "vector-paths.pdf",
    "zip-bomb.docx",
    "zip-bomb.xlsx",
    "million-rows.xlsx",
    "nested.html",
    "css-descendants.html",
    "wide-table.html",
    "huge.png",
    "huge.jpg",
    "black-scan.pdf",
    "many-lines.txt",
    "nul.txt",
    "nul-only.txt",
    "gbk-labelled-utf8.html",
    "utf16-no-bom.txt",
    "text-named.pdf",
    "html-named.docx",
    "random.xlsx",
)
CLI_CASES = ("empty.docx", "encrypted.pdf", "flate-bomb.pdf", "zip-bomb.xlsx", "nested.html")
ON_DISK_LIMIT_BYTES = 40 * 1024 * 1024  # every hostile file together, as written
FUZZ_EXAMPLES = 25  # per format
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[hostile.Seeds, dict[str, Path]]:
    return hostile.make_all(tmp_path_factory.mktemp("hostile"), seed_path("000"))


@pytest.fixture(scope="module")
def refusals(made: tuple[hostile.Seeds, dict[str, Path]]) -> dict[str, str | None]:
    return {case.name: case.refusal for case in hostile.cases(made[0])}


def test_the_cases_are_small_on_disk(made: tuple[hostile.Seeds, dict[str, Path]]) -> None:
    files = made[1]
    assert tuple(files) == CASE_NAMES
    assert sum(path.stat().st_size for path in files.values()) < ON_DISK_LIMIT_BYTES


def test_the_bombs_unpack_to_gigabytes(made: tuple[hostile.Seeds, dict[str, Path]]) -> None:
    """The generator's bombs are real: the deflate data inflates to what it says."""
    assert len(zlib.decompress(hostile.zlib_zeros(64))) == 64 * hostile.MiB
    with zipfile.ZipFile(made[1]["zip-bomb.docx"]) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size == hostile.BOMB_MIB * hostile.MiB
        with archive.open(info) as member:  # the first MB unpacks and checks out
            assert member.read(hostile.MiB) == bytes(hostile.MiB)


def _assert_bounded(outcome: hostile.Outcome, path: Path, refusal: str | None) -> None:
    where = f"{path.name}: {outcome}"
    assert outcome.status != "timeout", (
        f"still reading after {hostile.TIME_LIMIT_SECONDS} s: {where}"
    )
    assert outcome.status != "killed", f"died (memory past the limit?): {where}"
    assert outcome.status != "defect", f"not a YusuanError: {where}"
    assert outcome.status in ("ok", "refused"), where
    if outcome.status == "refused":
        assert _CHINESE.search(outcome.message), f"message not Chinese: {where}"
        assert path.name in outcome.message, f"message does not name the file: {where}"
    if refusal is not None:
        assert outcome.status == "refused", f"read instead of refused: {where}"
        assert refusal in outcome.message, f"refused without saying {refusal!r}: {where}"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_read_and_analyse_end_in_bounds(
    name: str, made: tuple[hostile.Seeds, dict[str, Path]], refusals: dict[str, str | None]
) -> None:
    path = made[1][name]
    for operation in ("read", "analyse"):
        _assert_bounded(hostile.run_in_child(operation, path), path, refusals[name])


@pytest.mark.parametrize("name", CLI_CASES)
def test_parse_command_ends_in_bounds(
    name: str, made: tuple[hostile.Seeds, dict[str, Path]], refusals: dict[str, str | None]
) -> None:
    path = made[1][name]
    outcome = hostile.run_in_child("parse", path)
    _assert_bounded(outcome, path, refusals[name])
    assert outcome.message.startswith("错误：")


def test_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each limit is read from its environment variable at every call; a value that is not a
    positive number leaves the default; a refusal names the setting that raises it."""
    for setting in reader_limits.SETTINGS:
        monkeypatch.delenv(setting, raising=False)
    assert reader_limits.limits() == reader_limits.Limits()
    monkeypatch.setenv("YUSUAN_MAX_PDF_PAGES", "3000")
    monkeypatch.setenv("YUSUAN_MAX_FILE_MB", "0.5")
    monkeypatch.setenv("YUSUAN_MAX_SHEET_ROWS", "很多")
    bounds = reader_limits.limits()
    assert bounds.max_pdf_pages == 3000
    assert bounds.max_file_bytes == hostile.MiB // 2
    assert bounds.max_sheet_rows == reader_limits.Limits().max_sheet_rows
    with pytest.raises(UnreadableFileError) as refused:
        reader_limits.check_file_size("大文件.txt", hostile.MiB)
    assert "大文件.txt" in str(refused.value) and "YUSUAN_MAX_FILE_MB" in str(refused.value)


def test_a_raised_limit_lets_the_file_through(
    made: tuple[hostile.Seeds, dict[str, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = made[1]["pages-2000.pdf"]
    with pytest.raises(UnreadableFileError, match="YUSUAN_MAX_PDF_PAGES"):
        yusuan.readers.load(path)
    monkeypatch.setenv("YUSUAN_MAX_PDF_PAGES", "2000")
    assert len(yusuan.readers.load(path).lines) == hostile.PDF_PAGES  # one line a page


# --- fuzz -------------------------------------------------------------------------------------

_POSITION = st.integers(min_value=0, max_value=2**31)
_MUTATION = st.tuples(
    st.sampled_from(("flip", "insert", "delete", "truncate", "member")),
    _POSITION,
    _POSITION,
    st.binary(min_size=1, max_size=16),
)


def _mutate(data: bytes, mutations: list[tuple[str, int, int, bytes]]) -> bytes:
    """``data`` with each mutation applied: a byte flipped, bytes inserted or deleted, the
    file cut short, or (in a ZIP) one member's unpacked bytes mutated and packed again."""
    for kind, at, other, payload in mutations:
        if not data:
            break
        at %= len(data)
        if kind == "flip":
            data = data[:at] + bytes([data[at] ^ (payload[0] or 0xFF)]) + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + payload + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 + other % 64 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "member" and zipfile.is_zipfile(io.BytesIO(data)):
            data = _mutate_member(data, at, other, payload)
    return data


def _mutate_member(data: bytes, which: int, at: int, payload: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, zlib.error):
        return data
    if not members:
        return data
    name = sorted(members)[which % len(members)]
    body = members[name]
    cut = at % (len(body) + 1)
    members[name] = body[:cut] + payload + body[cut + len(payload) :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def fuzz_bases(made: tuple[hostile.Seeds, dict[str, Path]]) -> dict[str, bytes]:
    seeds = made[0]
    return {
        ".docx": seeds.docx,
        ".xlsx": seeds.xlsx,
        ".pdf": hostile.small_pdf(seeds.pdf, pages=2),
        ".html": seeds.html,
    }


@pytest.mark.parametrize("suffix", (".docx", ".xlsx", ".pdf", ".html"))
def test_fuzzed_files_read_or_refuse(suffix: str, fuzz_bases: dict[str, bytes]) -> None:
    """Mutated real files: ``yusuan.read`` returns a disclosure or raises a ``YusuanError``
    naming the file, nothing else. In-process and without OCR (a PDF whose text layer a
    mutation breaks is a ``ScannedPdfError``): OCR is bounded by the cases above."""
    base = fuzz_bases[suffix]
    name = f"变异文件{suffix}"

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(_MUTATION, min_size=1, max_size=4))
    def read_mutated(mutations: list[tuple[str, int, int, bytes]]) -> None:
        data = _mutate(base, mutations)
        started = time.monotonic()
        try:
            yusuan.read(name, data)
        except YusuanError as exc:
            assert name in str(exc) and _CHINESE.search(exc.message), str(exc)
        assert time.monotonic() - started < hostile.TIME_LIMIT_SECONDS

    with mock.patch.object(yusuan.readers, "_ocr_reader", return_value=None):
        read_mutated()
