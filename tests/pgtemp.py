"""A throw-away PostgreSQL database: created on entry, dropped (with its connections) on exit.
Used by the test fixture ``db_url`` and by the benchmarks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_database(server: str, prefix: str) -> Iterator[str]:
    """Yield the URL of a new empty database ``<prefix>_<random>`` on the server at ``server``
    (a URL of any database there the user may create databases from)."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()
