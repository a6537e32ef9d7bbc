"""Hostile files, made at test time: small on disk, hostile when read (issue 16).

``make_all(folder)`` writes every case into ``folder`` and returns them by name. Bombs are built
from one deflate block of zeros repeated (a stream of zeros after a sync flush compresses to the
same bytes every time), so a member that unpacks to gigabytes is written in milliseconds.
``run_in_child`` runs one reading of a file in a process that cannot use more than
``MEMORY_LIMIT_BYTES`` and is killed after ``TIME_LIMIT_SECONDS``.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import multiprocessing.connection
import resource
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024  # address space of a child reading a hostile file
TIME_LIMIT_SECONDS = 30  # a child still reading after this is a hang
MiB = 1024 * 1024
BOMB_MIB = 2048  # what a bomb member or stream unpacks to (2 GB of zeros, ~2 MB packed)
PDF_PAGES = 2000
BIG_PAGE_POINTS = 20000
SHEET_ROWS = 1_000_000
HTML_DEPTH = 100_000
IMAGE_SIDE = 30000


# --- building blocks --------------------------------------------------------------------------


@cache
def _zero_blocks() -> tuple[bytes, bytes, bytes]:
    """Raw deflate of 1 MiB of zeros: the first block, every later block, the final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MiB)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return first, repeated, compressor.flush(zlib.Z_FINISH)


def deflated_zeros(mib: int) -> bytes:
    """Raw deflate data that inflates to ``mib`` MiB of zeros."""
    first, repeated, last = _zero_blocks()
    return first + repeated * (mib - 1) + last


def zlib_zeros(mib: int) -> bytes:
    """The same as a zlib stream (what a PDF's FlateDecode holds)."""
    adler = ((mib * MiB) % 65521) << 16 | 1  # zeros leave a = 1 and add 1 to b per byte
    return b"\x78\xda" + deflated_zeros(mib) + struct.pack(">I", adler)


def _crc_of_zeros(mib: int) -> int:
    chunk, crc = bytes(MiB), 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return crc


def zip_with_bomb(members: dict[str, bytes], bomb_name: str, mib: int = BOMB_MIB) -> bytes:
    """A ZIP of ``members`` (deflated) and the member ``bomb_name``: ``mib`` MiB of zeros, written
    by hand (with its true sizes and CRC) since ``zipfile`` would compress the gigabytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    listed = zipfile.ZipFile(io.BytesIO(out.getvalue())).infolist()
    data = out.getvalue()
    central_at = struct.unpack("<I", data[-6:-2])[0]
    head = bytearray(data[:central_at])  # the local entries; the central directory is rewritten
    packed, size, crc = deflated_zeros(mib), mib * MiB, _crc_of_zeros(mib)
    encoded = bomb_name.encode()
    bomb_at = len(head)
    head += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size,
                        len(encoded), 0) + encoded + packed  # fmt: skip
    central = bytearray()
    for info in listed:
        member = info.filename.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, info.CRC,
                               info.compress_size, info.file_size, len(member), 0, 0, 0, 0,
                               0, info.header_offset) + member  # fmt: skip
    central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed),
                           size, len(encoded), 0, 0, 0, 0, 0, bomb_at) + encoded  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(listed) + 1, len(listed) + 1,
                      len(central), len(head), 0)  # fmt: skip
    return bytes(head + central + end)


def pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of ``objects`` (bodies of objects 1..n; 1 is the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)  # fmt: skip
    return bytes(out)


def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_TEXT = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"


def pdf_pages(count: int, box: tuple[int, int] = (595, 842), content: bytes = _TEXT) -> bytes:
    """A PDF of ``count`` pages of ``box`` points, all showing one content stream."""
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        pdf_stream(b"", content) if not content.startswith(b"<<") else content,
        _FONT,
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 3 0 R " % box
    page += b"/Resources << /Font << /F1 4 0 R >> >> >>"
    objects += [page] * count
    return pdf_file(objects)


def png(width: int, height: int) -> bytes:
    """A 1-bit grey PNG of ``width`` × ``height`` black pixels, its IDAT packed small."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = (width + 7) // 8 + 1  # a filter byte and the packed bits
    idat = zlib.compress(bytes(row * min(height, 64)), 9)  # the first rows only: decoding
    # stops at the end of the data, so the file is small whatever its declared size
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def black_scan_pdf(side: int = IMAGE_SIDE) -> bytes:
    """A one-page "scan": a black image of ``side`` × ``side`` pixels (900 MB decoded) over an
    A4 page, no text layer."""
    image = pdf_stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode" % (side, side),
        zlib_zeros(side * side // MiB + 1),
    )
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            pdf_stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
            image,
        ]
    )


def jpeg(width: int, height: int) -> bytes:
    """A JPEG whose frame header declares ``width`` × ``height`` (the data is of 8 × 8 pixels)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    frame = data.find(b"\xff\xc0")  # SOF0: marker, length, precision, height, width
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def million_rows_xlsx(rows: int = SHEET_ROWS) -> bytes:
    """A workbook whose one sheet has ``rows`` rows, its XML streamed into the ZIP."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _XLSX_TYPES)
        archive.writestr("_rels/.rels", _XLSX_RELS)
        archive.writestr("xl/workbook.xml", _XLSX_WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _XLSX_WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + _MAIN + b'">')
            sheet.write(b"<sheetData>")
            batch = 10_000
            for start in range(1, rows + 1, batch):
                sheet.write(
                    b"".join(
                        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                        for n in range(start, min(start + batch, rows + 1))
                    )
                )
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_XLSX_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


# --- real files, rendered from a seed ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seeds:
    """A seed disclosure as text and as each rendered format."""

    text: bytes
    pdf: bytes
    docx: bytes
    xlsx: bytes
    html: bytes


def render_seed(folder: Path, seed_text: Path) -> Seeds:
    import yusuan
    from yusuan.render.docx import write_docx
    from yusuan.render.html import to_html
    from yusuan.render.pdf import write_pdf
    from yusuan.render.xlsx import write_xlsx

    disclosure = yusuan.read(seed_text)
    folder.mkdir(parents=True, exist_ok=True)
    write_pdf(disclosure, folder / "seed.pdf", charts={})
    write_docx(disclosure, folder / "seed.docx", charts={})
    write_xlsx(disclosure, folder / "seed.xlsx")
    (folder / "seed.html").write_text(to_html(disclosure, charts={}), encoding="utf-8")
    return Seeds(
        seed_text.read_bytes(),
        *((folder / f"seed.{ext}").read_bytes() for ext in ("pdf", "docx", "xlsx", "html")),
    )


def small_pdf(pdf: bytes, pages: int = 2) -> bytes:
    """The first ``pages`` pages of ``pdf`` (a quick file to fuzz)."""
    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(io.BytesIO(pdf)), PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(small_pdf(pdf))))
    writer.encrypt(user_password="mima", owner_password="mima-owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the cases --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """A hostile file: its name (with the suffix it arrives with), its bytes, and a fragment
    its refusal must hold when it must be refused (``None``: a result or any clear refusal)."""

    name: str
    data: bytes
    refusal: str | None = None


def _bytes_of(path: str) -> bytes:
    return Path(path).read_bytes()


EMPTY_SUFFIXES = (".txt", ".pdf", ".docx", ".xlsx", ".html", ".png", ".jpg", ".md")


def cases(seeds: Seeds) -> list[Case]:
    """Every hostile case, built from the rendered ``seeds``."""
    text = seeds.text.decode("utf-8")
    html = seeds.html.decode("utf-8")
    vector_content = b"0 0 m 10 10 l S\n" * (8 * MiB // 16)
    made: list[Case] = [Case(f"empty{suffix}", b"", "空") for suffix in EMPTY_SUFFIXES]
    made += [
        Case("truncated.pdf", seeds.pdf[: len(seeds.pdf) // 2]),
        Case("truncated.docx", seeds.docx[: len(seeds.docx) // 2], "Word"),
        Case("truncated.xlsx", seeds.xlsx[: len(seeds.xlsx) // 2]),
        Case("truncated.html", seeds.html[: len(seeds.html) // 2]),
        Case("encrypted.pdf", encrypted_pdf(seeds.pdf), "加密"),
        Case("pages-2000.pdf", pdf_pages(PDF_PAGES), "页数过多"),
        Case("page-20000pt.pdf", pdf_pages(1, (BIG_PAGE_POINTS, BIG_PAGE_POINTS)), "尺寸过大"),
        Case(
            "flate-bomb.pdf",
            pdf_pages(1, content=pdf_stream(b"/Filter /FlateDecode", zlib_zeros(BOMB_MIB))),
            "压缩炸弹",
        ),
        Case(
            "flate-bomb-nested.pdf",
            pdf_pages(
                1,
                content=pdf_stream(
                    b"/Filter [/FlateDecode /FlateDecode]", zlib.compress(zlib_zeros(BOMB_MIB), 9)
                ),
            ),
            "压缩炸弹",
        ),
        Case(
            "vector-paths.pdf",
            pdf_pages(
                1, content=pdf_stream(b"/Filter /FlateDecode", zlib.compress(vector_content))
            ),
        ),
        Case("zip-bomb.docx", _docx_bomb(seeds.docx), "压缩"),
        Case("zip-bomb.xlsx", _xlsx_bomb(seeds.xlsx), "压缩"),
        Case("million-rows.xlsx", million_rows_xlsx(), "过多"),
        Case("nested.html", b"<html><body>" + b"<div>" * HTML_DEPTH + "预算".encode(), "嵌套过深"),
        Case(
            "css-descendants.html",  # a selector that fails along every chain of ancestors
            b"<html><head><style>p "
            + b"div " * 10
            + b"{display:none}</style></head><body>"
            + b"<div>" * 250
            + "预算".encode(),
        ),
        Case("wide-table.html", b"<table><tr>" + b"<td>1</td>" * 200_000 + b"</tr></table>"),
        Case("huge.png", png(IMAGE_SIDE, IMAGE_SIDE), "图片尺寸过大"),
        Case("huge.jpg", jpeg(IMAGE_SIDE, IMAGE_SIDE), "图片尺寸过大"),
        Case("black-scan.pdf", black_scan_pdf()),
        Case("many-lines.txt", b"1\n" * 1_050_000, "行数过多"),
        Case("nul.txt", seeds.text[:2000] + b"\x00" * 5000 + seeds.text[2000:]),
        Case("nul-only.txt", b"\x00" * 100_000),
        Case("gbk-labelled-utf8.html", _gbk_labelled_utf8(html)),
        Case("utf16-no-bom.txt", text.encode("utf-16-le")),
        Case("text-named.pdf", seeds.text),
        Case("html-named.docx", seeds.html),
        Case("random.xlsx", bytes(range(256)) * 200),
    ]
    return made


def _docx_bomb(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "word/document.xml"}
    return zip_with_bomb(members, "word/document.xml")


def _xlsx_bomb(xlsx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        members = {
            n: archive.read(n) for n in archive.namelist() if n != "xl/worksheets/sheet1.xml"
        }
    return zip_with_bomb(members, "xl/worksheets/sheet1.xml")


def _gbk_labelled_utf8(html: str) -> bytes:
    """The page encoded in GBK while its meta tag says UTF-8."""
    if "charset" not in html.lower():
        html = html.replace("<head>", '<head><meta charset="utf-8">', 1)
    return html.encode("gbk", errors="replace")


def make_all(folder: Path, seed_text: Path) -> tuple[Seeds, dict[str, Path]]:
    """Write every case into ``folder``; the rendered seeds and the files by case name."""
    seeds = render_seed(folder / "seed", seed_text)
    written: dict[str, Path] = {}
    for case in cases(seeds):
        path = folder / case.name
        path.write_bytes(case.data)
        written[case.name] = path
    return seeds, written


# --- reading in a bounded child ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one reading ended: ``status`` is ``ok``, ``refused`` (a ``YusuanError`` or the
    pipeline's ``Failed``), ``defect`` (any other exception), ``killed`` (no answer: the process
    died, e.g. of memory) or ``timeout``; ``kind`` the exception class, ``message`` its text,
    ``peak_mb`` the child's peak resident memory."""

    status: str
    kind: str = ""
    message: str = ""
    seconds: float = 0.0
    peak_mb: int = 0


def _read(path: str) -> tuple[str, str, str]:
    import yusuan
    from yusuan.errors import YusuanError

    try:
        yusuan.read(path)
    except YusuanError as exc:
        return "refused", type(exc).__name__, str(exc)
    return "ok", "", ""


def _analyse(path: str) -> tuple[str, str, str]:
    from yusuan import pipeline

    defects: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info:
                defects.append(record)

    pipeline.log.addHandler(Catch())
    try:
        pipeline.analyse(path)
    except pipeline.Failed as exc:
        if defects and defects[0].exc_info and defects[0].exc_info[1] is not None:
            cause = defects[0].exc_info[1]
            return "defect", type(cause).__name__, f"{cause!r} → {exc.reason}"
        return "refused", "Failed", exc.reason
    return "ok", "", ""


def _parse_cli(path: str) -> tuple[str, str, str]:
    from click.testing import CliRunner

    from yusuan.cli import main

    result = CliRunner().invoke(main, ["parse", path, "--format", "json"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "defect", type(result.exception).__name__, repr(result.exception)
    if result.exit_code == 1:
        return "refused", "exit 1", result.stderr.strip()
    if result.exit_code not in (0, 2):
        return "defect", f"exit {result.exit_code}", result.stderr.strip()
    return "ok", "", ""


OPERATIONS: dict[str, Callable[[str], tuple[str, str, str]]] = {
    "read": _read,
    "analyse": _analyse,
    "parse": _parse_cli,
}


def _child(operation: str, path: str, conn: multiprocessing.connection.Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    try:
        answer = OPERATIONS[operation](path)
    except BaseException as exc:  # every other exception is the defect reported
        answer = ("defect", type(exc).__name__, repr(exc)[:2000])
    conn.send((*answer, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))
    conn.close()


PRELOADED = ["tests.hostile", "yusuan.pipeline", "yusuan.cli", "yusuan.readers.pdf"]


def context() -> multiprocessing.context.BaseContext:
    """A clean start for each child (a forkserver with the readers loaded, else spawn)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(PRELOADED)
        return forkserver
    return multiprocessing.get_context("spawn")


def run_in_child(operation: str, path: Path, timeout: float = TIME_LIMIT_SECONDS) -> Outcome:
    """``operation`` (``read``, ``analyse`` or ``parse``) on ``path`` in a bounded child."""
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(operation, str(path), send), daemon=True)  # type: ignore[attr-defined]
    start = time.monotonic()
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            process.kill()
            process.join()
            return Outcome("timeout", seconds=time.monotonic() - start)
        try:
            status, kind, message, peak_mb = receive.recv()
        except EOFError:  # the child died without answering
            process.join()
            return Outcome("killed", f"exit code {process.exitcode}", "", time.monotonic() - start)
        process.join(timeout)
        return Outcome(status, kind, message, time.monotonic() - start, peak_mb)
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        receive.close()
