"""Comparing names as people print them: spaces, bracket widths and punctuation vary."""

from __future__ import annotations

_WIDTH = str.maketrans("（）：，、", "():,,")


def normalize_name(name: str) -> str:
    return "".join(name.split()).translate(_WIDTH)
