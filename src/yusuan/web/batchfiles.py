"""The files of a batch: what a ZIP, a folder or a set of files sent together hold.

A ZIP is opened in place (the request's spooled file) and looked at before anything is unpacked:
its number of entries and the sizes its directory declares are checked against the settings, so
a zip bomb is refused whole before it costs memory or disk (``zipfile`` never gives more bytes
than the declared size, so a lying directory cannot get past the check either). Member names
are decoded as the archive wrote them: UTF-8 when flagged, otherwise the bytes are tried as
UTF-8 and then as GBK (GB18030), which is what Windows in Chinese writes. Folders, ``__MACOSX``
and hidden files (``.DS_Store``, ``Thumbs.db``…) are left out; nested folders are walked. A DOCX
or XLSX is a ZIP too and is kept as a document, never unpacked.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from yusuan.web.errors import Invalid, TooLarge
from yusuan.web.settings import Settings, human_size

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
SKIPPED_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}
# A ZIP holding one of these is an Office document (DOCX, XLSX), not an archive of documents.
OFFICE_PARTS = ("[Content_Types].xml",)


@dataclass(slots=True)
class Entry:
    """One file of the batch: its path as sent (folders included, for display), its size, and
    how to read it (``None`` when it cannot be: ``problem`` says why)."""

    path: str
    size: int
    read: Callable[[], bytes] | None
    problem: str = ""

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its archive meant it: UTF-8 when flagged, else UTF-8 or GBK bytes
    (``zipfile`` decoded them as cp437, which gives every byte back unchanged)."""
    name = info.orig_filename
    if not info.flag_bits & UTF8_FLAG:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def skipped(path: str) -> bool:
    """Folders, macOS resource forks (``__MACOSX/``, ``._x``) and hidden or system files."""
    parts = [p for p in path.split("/") if p]
    if not parts or path.endswith("/"):
        return True
    return any(p.startswith(".") or p.casefold() in SKIPPED_NAMES for p in parts)


def is_archive(head: bytes, names: list[str] | None = None) -> bool:
    """A ZIP of documents: the ZIP signature and no Office document's parts."""
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    return names is None or not any(part in names for part in OFFICE_PARTS)


def _opened(file: BinaryIO) -> zipfile.ZipFile | None:
    """The file as a ZIP archive of documents, or None (not a ZIP, or an Office document)."""
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    if not is_archive(head):
        return None
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        return None  # not readable as a ZIP: sent on as a file, whose reading will say why
    if not is_archive(head, archive.namelist()):
        archive.close()
        file.seek(0)
        return None
    return archive


def _reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        with archive.open(info) as member:
            return member.read()

    return read


def _members(archive: zipfile.ZipFile, label: str, settings: Settings) -> Iterator[Entry]:
    infos = archive.infolist()
    if len(infos) > settings.zip_max_members:
        raise TooLarge(f"压缩包“{label}”含 {len(infos)} 个条目，超过上限 "
                       f"{settings.zip_max_members} 个，未解压")  # fmt: skip
    declared = sum(i.file_size for i in infos)
    if declared > settings.batch_max_bytes:
        raise TooLarge(f"压缩包“{label}”解压后共 {human_size(declared)}，超过上限 "
                       f"{human_size(settings.batch_max_bytes)}（可能是压缩炸弹），未解压；"
                       "请分成几个压缩包上传")  # fmt: skip
    for info in infos:
        path = member_name(info)
        if info.is_dir() or skipped(path):
            continue
        if info.flag_bits & ENCRYPTED_FLAG:
            yield Entry(path, info.file_size, None, "文件已加密，无法解压；请解压后上传")
        elif path.casefold().endswith(".zip"):
            yield Entry(path, info.file_size, None, "压缩包中的压缩包不会展开，请解压后单独上传")
        else:
            yield Entry(path, info.file_size, _reader(archive, info))


@dataclass(slots=True)
class Sent:
    """A file of the request: its name (a folder upload's relative path) and its content."""

    name: str
    file: BinaryIO
    size: int | None = None


def _size(sent: Sent) -> int:
    if sent.size is not None:
        return sent.size
    sent.file.seek(0, 2)
    size = sent.file.tell()
    sent.file.seek(0)
    return size


def _whole(file: BinaryIO) -> Callable[[], bytes]:
    def read() -> bytes:
        file.seek(0)
        return file.read()

    return read


def entries(sent: list[Sent], settings: Settings) -> tuple[list[Entry], list[zipfile.ZipFile]]:
    """Every file the batch holds, in the order sent (a ZIP's members in its order), and the
    archives opened for them (to be closed once read). Refuses, before anything is read, a batch
    over the limits of its number of files or its unpacked size."""
    found: list[Entry] = []
    archives: list[zipfile.ZipFile] = []
    try:
        for item in sent:
            path = (item.name or "").replace("\\", "/").lstrip("/")
            if not path and not _size(item):
                continue  # an empty file input of a form sent without JavaScript
            if skipped(path or "未命名文件"):
                continue
            archive = _opened(item.file)
            if archive is None:
                found.append(Entry(path or "未命名文件", _size(item), _whole(item.file)))
                continue
            archives.append(archive)
            label = PurePosixPath(path).name or "压缩包"
            found.extend(_members(archive, label, settings))
        _check_totals(found, settings)
    except BaseException:
        for archive in archives:
            archive.close()
        raise
    return found, archives


def _check_totals(found: list[Entry], settings: Settings) -> None:
    if not found:
        raise Invalid("没有可以处理的文件：压缩包或文件夹是空的，或只有隐藏文件和文件夹")
    if len(found) > settings.batch_max_files:
        raise Invalid(f"一个批次最多 {settings.batch_max_files} 个文件，本次共 {len(found)} 个；"
                      "请分成几个批次上传")  # fmt: skip
    total = sum(e.size for e in found)
    if total > settings.batch_max_bytes:
        raise TooLarge(f"本批次文件解压后共 {human_size(total)}，超过上限 "
                       f"{human_size(settings.batch_max_bytes)}；请分成几个批次上传")  # fmt: skip


def batch_name(sent: list[Sent], given: str | None) -> str:
    """The batch's name: as given, else the ZIP's name without ``.zip``, else the folder's."""
    if given and given.strip():
        return given.strip()[:200]
    names = [(s.name or "").replace("\\", "/").lstrip("/") for s in sent]
    if len(names) == 1:
        name = PurePosixPath(names[0]).name
        return (name[:-4] if name.casefold().endswith(".zip") else name)[:200] or "批次"
    folders = {n.split("/", 1)[0] for n in names if "/" in n}
    if len(folders) == 1:
        return folders.pop()[:200]
    return f"{len(names)} 个文件"
