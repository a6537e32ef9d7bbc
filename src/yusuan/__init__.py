"""yusuan (预算): read, check and generate Chinese government budget disclosures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from yusuan.model import Disclosure

if TYPE_CHECKING:
    from yusuan.checks.report import Report

from yusuan.version import __version__

__all__ = ["Disclosure", "__version__", "check", "read"]


def read(path: str | Path, data: bytes | None = None) -> Disclosure:
    """Read a disclosure file into the model (or the bytes ``data``, named by ``path``). Raises
    ``yusuan.errors.YusuanError`` with a Chinese message when the file cannot be read or is not a
    disclosure."""
    from yusuan.readers import load
    from yusuan.recognize.document import recognize

    return recognize(load(path, data))


def check(disclosure: Disclosure) -> Report:
    """Run every registered rule over a disclosure and return the report."""
    from yusuan.checks import run_rules
    from yusuan.checks.engine import rules_for
    from yusuan.checks.report import build_report

    rules = rules_for(disclosure)
    return build_report(disclosure, run_rules(disclosure, rules), [r.id for r in rules])
