"""Normalized unit names: how the same unit is recognised across years and documents."""

from __future__ import annotations

import re
import unicodedata

# Words a document may add around the same unit's name: "（本级）", "部门", trailing "单位".
_DECORATION = re.compile(r"[（(](?:本级|机关本级|汇总|部门)[）)]|\s+")


def normalize_name(name: str) -> str:
    """NFKC (full-width letters and brackets to half-width), spaces and decorations dropped."""
    text = unicodedata.normalize("NFKC", name)
    text = _DECORATION.sub("", text)
    return text.replace("(", "（").replace(")", "）").strip()
