"""The database: many units and years in SQLite (default) or PostgreSQL, through SQLAlchemy."""

from yusuan.store.db import Store, StoreError, database_url, open_store

__all__ = ["Store", "StoreError", "database_url", "open_store"]
