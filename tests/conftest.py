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


# --- databases -------------------------------------------------------------------------------
# Every store test runs against both databases: a SQLite file and a PostgreSQL database created
# for the test (and dropped after it) on the server at YUSUAN_TEST_PG (default: the local server).
PG_SERVER = os.environ.get("YUSUAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASES = ("sqlite", "postgresql")


def _pg_admin():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'yusuan.db'}"
        return
    import secrets

    from sqlalchemy.engine import make_url

    name = f"yusuan_test_{secrets.token_hex(4)}"
    admin = _pg_admin()
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except Exception as exc:  # a missing server fails the test, with the reason
        pytest.fail(f"PostgreSQL at {PG_SERVER} is not usable: {exc}")
    try:
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
