"""Names as people print them: spaces, bracket widths and punctuation vary.

``normalize_name`` is how the same unit is recognised across years and documents; ``comparable``
is how two printed names (of a project, an item) are compared."""

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


_WIDTH = str.maketrans("（）：，、", "():,,")


def comparable(name: str) -> str:
    """A printed name with spaces dropped and bracket and punctuation widths made one."""
    return "".join(name.split()).translate(_WIDTH)
