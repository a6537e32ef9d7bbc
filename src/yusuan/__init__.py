"""yusuan (预算): read, check and generate Chinese government budget disclosures."""

from __future__ import annotations

from pathlib import Path

from yusuan.model import Disclosure

__version__ = "0.1.0"
__all__ = ["Disclosure", "__version__", "read"]


def read(path: str | Path) -> Disclosure:
    """Read a disclosure file into the model. Raises ``yusuan.errors.YusuanError`` with a Chinese
    message when the file cannot be read or is not a disclosure."""
    from yusuan.readers import load
    from yusuan.recognize.document import recognize

    return recognize(load(path))
