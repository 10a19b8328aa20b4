"""Alembic's entry point: storage.db.open_engine hands over an open connection.

To write a revision by hand: ``alembic -c storage/migrations/alembic.ini revision -m "…"``
(the ini names a store at head), then edit it like the revisions in versions/.
"""

from alembic import context
from sqlalchemy import create_engine

from storage.models import Base


def run(connection) -> None:
    # batch mode: SQLite changes a column by copying its table
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as opened:
        run(opened)
