"""The CJK font every rendered PDF and chart embeds: found once, checked to be TrueType.

PDF readers cannot be relied on to have Chinese fonts, so the PDF embeds a subset of a TrueType
font (reportlab cannot embed CFF/PostScript-outline fonts such as most Noto Sans CJK builds) and the
charts are drawn with the same font. Where it is looked for, in order:

1. ``YUSUAN_CJK_FONT``: a ``.ttf``/``.ttc`` path, optionally ``path#N`` for face N of a collection;
2. the paths Debian/Ubuntu, Fedora and macOS packages install (WenQuanYi, Droid, Noto, …);
3. ``fc-match :lang=zh`` and then ``fc-list :lang=zh`` (fontconfig), keeping only TrueType faces
   that cover Chinese.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from yusuan.errors import YusuanError

ENV_VAR = "YUSUAN_CJK_FONT"
DEBIAN_PACKAGE = "fonts-wqy-zenhei"

# (path, face index); the first that exists and is TrueType wins.
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # SC face; TrueType builds only
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)


@dataclass(frozen=True, slots=True)
class FontInfo:
    path: str
    subfont_index: int = 0


class FontNotFoundError(YusuanError):
    """No embeddable CJK TrueType font on this machine."""


def _not_found(detail: str = "") -> FontNotFoundError:
    hint = (
        f"请安装文泉驿正黑字体（Debian/Ubuntu：sudo apt-get install {DEBIAN_PACKAGE}），"
        f"或设置环境变量 {ENV_VAR} 指向一个 TrueType 中文字体文件（.ttf 或 .ttc，"
        f"集合中的第 N 个字体写作 路径#N）"
    )
    message = "未找到可嵌入 PDF 的中文 TrueType 字体" + (f"（{detail}）" if detail else "")
    return FontNotFoundError("中文字体", message, hint)


def _face_tables(data: bytes, index: int) -> set[bytes] | None:
    """Table tags of face ``index`` of an sfnt file (TTF/OTF/TTC), ``None`` if not an sfnt."""
    offset = 0
    if data[:4] == b"ttcf":
        (count,) = struct.unpack(">I", data[8:12])
        if index >= count:
            return None
        (offset,) = struct.unpack(">I", data[12 + 4 * index : 16 + 4 * index])
    elif index != 0:
        return None
    header = data[offset : offset + 12]
    if len(header) < 12 or header[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO"):
        return None
    (tables,) = struct.unpack(">H", header[4:6])
    directory = data[offset + 12 : offset + 12 + 16 * tables]
    return {directory[i : i + 4] for i in range(0, len(directory), 16)}


def is_truetype(path: str | Path, index: int = 0) -> bool:
    """Whether face ``index`` of the file has TrueType outlines (``glyf``), which reportlab
    can subset and embed; CFF-based OpenType fonts (``OTTO``) cannot be."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(64 * 1024)
    except OSError:
        return False
    try:
        tags = _face_tables(data, index)
    except struct.error:
        return False
    return tags is not None and b"glyf" in tags and b"cmap" in tags


def _from_env(value: str) -> FontInfo:
    path, _, face = value.partition("#")
    index = int(face) if face.strip().isdigit() else 0
    if not Path(path).is_file():
        raise FontNotFoundError(
            path, f"环境变量 {ENV_VAR} 指向的字体文件不存在", "请检查路径，或删除该环境变量"
        )
    if not is_truetype(path, index):
        raise FontNotFoundError(
            path,
            f"环境变量 {ENV_VAR} 指向的字体不是 TrueType 字体（第 {index} 个字体），无法嵌入 PDF",
            f"请改用 TrueType 中文字体，例如 {DEBIAN_PACKAGE} 提供的 wqy-zenhei.ttc",
        )
    return FontInfo(path, index)


def _fontconfig() -> FontInfo | None:
    """Ask fontconfig; its best match for ``:lang=zh`` may be a Latin font, so each candidate
    must declare Chinese coverage and be TrueType."""
    if shutil.which("fc-match") is None:
        return None
    commands = (
        ["fc-match", "-f", "%{file}|%{index}|%{lang}\n", ":lang=zh"],
        ["fc-list", "-f", "%{file}|%{index}|%{lang}\n", ":lang=zh"],
    )
    for command in commands:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            continue
        for line in sorted(result.stdout.splitlines()):
            path, _, rest = line.partition("|")
            face, _, langs = rest.partition("|")
            index = int(face) if face.isdigit() else 0
            chinese = any(lang.startswith("zh") for lang in langs.split("|"))
            if path and chinese and is_truetype(path, index):
                return FontInfo(path, index)
    return None


def cjk_font() -> FontInfo:
    """The CJK TrueType font to embed; raises ``FontNotFoundError`` (Chinese message naming the
    package to install) when there is none."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _from_env(env)
    return _system_font()


@cache
def _system_font() -> FontInfo:
    for path, index in KNOWN_FONTS:
        if os.path.isfile(path) and is_truetype(path, index):
            return FontInfo(path, index)
    found = _fontconfig()
    if found is None:
        raise _not_found()
    return found
