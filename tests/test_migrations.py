"""The migrations build exactly the schema the models describe."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def test_migrations_create_the_schema_the_models_describe(app):
    with app.app_context():
        _upgrade_compare_downgrade()


def _upgrade_compare_downgrade():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
    db.create_all()
