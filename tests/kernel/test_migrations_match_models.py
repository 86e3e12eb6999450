"""The schema `flask db upgrade` builds is the one the models declare, on both databases: a model changed
without its Alembic migration fails here (Alembic's own autogenerate comparison)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def _declared_or_ours(obj, name, type_, reflected, compare_to) -> bool:
    """The client search's indexes exist only in the migrations, per database: SQLite's FTS5 tables
    (`*_fts*`) and PostgreSQL's trigram indexes (`*_trgm`). Everything else must match the models."""
    search_only = (type_ == "table" and "_fts" in name) or (type_ == "index" and name.endswith("_trgm"))
    return not (reflected and compare_to is None and search_only)


def test_the_migrations_build_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": _declared_or_ours})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_a_model_column_without_its_migration_would_be_caught(app):
    from sqlalchemy import Column, MetaData, String

    changed = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["work"].append_column(Column("unmigrated", String(10)))
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _declared_or_ours})
        differences = compare_metadata(context, changed)
    assert [(kind, column.name) for kind, _schema, _table, column in differences] == [("add_column", "unmigrated")]
