"""Shared test fixtures: where the real documents are, and their expected values."""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from collections.abc import Iterator
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


# --- databases -------------------------------------------------------------------------------
# Every store test runs against both databases: a SQLite file and a PostgreSQL database created
# for the test (and dropped after it) on the server at YUSUAN_TEST_PG (default: the local server).
PG_SERVER = os.environ.get("YUSUAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASES = ("sqlite", "postgresql")


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'yusuan.db'}"
        return
    from contextlib import ExitStack

    from tests.pgtemp import throwaway_database

    with ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_database(PG_SERVER, "yusuan_test"))
        except Exception as exc:  # a missing server fails the test, with the reason
            pytest.fail(f"PostgreSQL at {PG_SERVER} is not usable: {exc}")
        yield url


@pytest.fixture(autouse=True)
def _no_reader_processes_left() -> Iterator[None]:
    """No test leaves the reader processes of a web application running (``web.reading``):
    most tests never run an application's shutdown."""
    yield
    reading = sys.modules.get("yusuan.web.reading")
    if reading is not None:
        reading.close_all()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test has its own node id. schemathesis names the test of an operation
    "test[GET /path]", but pytest 9 builds a node id from the function's original name, so the
    operations' tests would share one id and pytest-xdist (which schedules by id) would run only
    one of them. A duplicate id left after that is refused, never lost silently."""
    for item in items:
        if type(item).__name__ == "SchemathesisFunction" and item.name not in item.nodeid:
            item._id = item.parent.id.child(item.name)  # type: ignore[union-attr]
    twice = [nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1]
    if twice:
        raise pytest.UsageError(f"tests collected twice under one id: {twice[:5]}")
