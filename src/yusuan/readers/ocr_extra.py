"""The ``ocr`` extra of ``readers.ocr`` (numpy, OpenCV, RapidOCR, pypdfium2, Pillow): whether it
is installed (a Chinese message naming the file when it is not) and its modules, imported only
when a scanned file is read."""

from __future__ import annotations

import importlib
from typing import Any

from yusuan.errors import UnreadableFileError

_INSTALL_HINT = "请安装 OCR 组件：pip install 'yusuan[ocr]'"


def _installed(name: str, *modules: str) -> None:
    """Raise a Chinese message naming the file when the ``ocr`` extra is not installed."""
    for module in ("numpy", "cv2", "rapidocr", *modules):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise UnreadableFileError(
                name, f"读取扫描件需要 OCR 组件，但未安装 {module}", _INSTALL_HINT
            ) from exc


def _require(module: str) -> Any:
    """A module of the ``ocr`` extra (checked by ``_installed`` before reading)."""
    return importlib.import_module(module)
