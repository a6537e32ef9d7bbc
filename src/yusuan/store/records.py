"""Reading back what the store keeps of a disclosure: its model and its findings' locations."""

from __future__ import annotations

import gzip
from typing import Any

from yusuan.export.json import from_json
from yusuan.model import Disclosure


def located(data: dict[str, Any], own_file: str) -> dict[str, Any]:
    """A stored location as ``location_json`` writes it, its file put back when left out."""
    full = dict.fromkeys(("label", "text", "file", "line", "page", "table", "row", "column"))
    full.update(data)
    if "file" not in data:
        full["file"] = own_file
    return full


def load_model(blob: bytes) -> Disclosure:
    return from_json(gzip.decompress(blob))
