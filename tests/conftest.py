"""Shared test fixtures: where the real documents are, and their expected values."""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

import yusuan
from yusuan.model import Disclosure

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
SEEDS_DIR = SHARED / "seeds"
SEED_IDS = ("000", "001", "002", "003")


def expected(seed_id: str) -> ModuleType:
    return importlib.import_module(f"tests.expected.seed_{seed_id}")


def seed_path(seed_id: str) -> Path:
    module = expected(seed_id)
    path = SEEDS_DIR / module.SEED
    if not path.exists():
        pytest.fail(f"seed document missing: {path} (set YUSUAN_SHARED to the shared folder)")
    return path


@cache
def parsed(seed_id: str) -> Disclosure:
    return yusuan.read(seed_path(seed_id))
