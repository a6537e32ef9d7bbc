"""Opening a store: database URL, engine settings per dialect, schema migrations.

The URL comes from ``--db``, else ``YUSUAN_DB``, else a SQLite file ``yusuan.db`` in the current
folder. A plain path is accepted for SQLite (``--db data/budgets.db``). Opening a store brings its
schema to the newest Alembic revision, so an old database is upgraded in place.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from yusuan.errors import YusuanError

DEFAULT_DB = "yusuan.db"
MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(YusuanError):
    """The database cannot be opened or used (bad URL, server down, not writable)."""


def database_url(db: str | None = None) -> str:
    """``--db`` value, ``YUSUAN_DB``, or the default SQLite file; plain paths become SQLite URLs."""
    value = db or os.environ.get("YUSUAN_DB") or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver the project installs
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (below): pysqlite's own transaction handling breaks SAVEPOINT.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL keeps committed transactions on a crash
    cursor.execute("PRAGMA busy_timeout=60000")  # several ingest processes take turns writing
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN: a deferred transaction that reads and then writes can
    # fail at once with "database is locked" when another process writes, whatever the timeout.
    immediate = connection.get_execution_options().get("immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            url, "数据库地址无法识别", "请使用 sqlite:///文件 或 postgresql://用户@主机/库"
        ) from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 60})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        connect_args: dict[str, object] = {}
        if parsed.get_backend_name() == "postgresql":
            connect_args["connect_timeout"] = 10
            if "options" not in parsed.query:
                # The JIT compiler's start-up (tens of ms per query) costs more than it gains on
                # the comparisons' joins: 0.78 s → 0.36 s for a year's class rows at 100,000
                # disclosures (bench/scale.py). A URL's own ``options`` are left as given.
                connect_args["options"] = "-c jit=off"
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (ArgumentError, ImportError) as exc:  # unknown dialect or driver
        raise StoreError(
            _safe(url), "不支持的数据库类型", "请使用 sqlite:///文件 或 postgresql://用户@主机/库"
        ) from exc
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise StoreError(_safe(url), f"无法创建数据库所在的文件夹（{exc.strerror}）") from exc


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """An open database: an engine plus a session factory. Use ``with store.session() as s``."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_engine = engine.execution_options(immediate=True)
        self._writers = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A writing session: committed at the end of the block, or rolled back on error."""
        with self._writers() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A writing connection (SQLAlchemy Core) in one transaction: committed at the end of the
        block, or rolled back on error. On SQLite it holds the write lock from its start."""
        with self._write_engine.begin() as connection:
            yield connection

    def reader(self) -> Session:
        """A session for queries (``with store.reader() as s``); SQLite readers never block."""
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str | None = None, *, upgrade: bool = True) -> Store:
    url = database_url(db)
    engine = make_engine(url)
    try:
        if upgrade:
            migrate(engine)
        else:
            with engine.connect():
                pass
    except DBAPIError as exc:  # server down or refusing, bad credentials, no such database
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            _safe(url), f"无法打开数据库（{reason}）", "请检查数据库地址、服务是否运行以及访问权限"
        ) from exc
    return Store(url, engine)


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
