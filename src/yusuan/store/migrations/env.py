"""Alembic environment: runs on the connection ``yusuan.store.db.migrate`` passes in."""

from alembic import context

from yusuan.store import accounts, drafts, jobs  # noqa: F401  (the web application's tables)
from yusuan.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
