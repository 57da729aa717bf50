"""dedup: document copies, LSH index, claim clusters, revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_LIVE = sa.text("superseded_at IS NULL")


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite rebuilds `claim` and `document` (batch mode) to change their constraints;
    with foreign keys enforced, dropping the old tables would fail on existing rows.
    The pragma only takes effect outside a transaction: Alembic's DDL does not open one
    on SQLite, and on a fresh database there are no rows to trip over."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if on:  # inside the migration's transaction the pragma is a no-op: redo it on check-in
        def _restore(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

        sa.event.listen(bind.engine.pool, "checkin", _restore, once=True)


def upgrade() -> None:
    _sqlite_foreign_keys(False)
    op.create_table('claim_cluster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('norm_text', sa.Text(), nullable=False),
    sa.Column('numbers_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('origin_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('first_document_id', sa.Integer(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['first_document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('claim_cluster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_cluster_numbers_key'), ['numbers_key'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_claim_cluster_origin_key'), ['origin_key'],
                              unique=False)

    op.create_table('document_signature',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_table('lsh_band',
    sa.Column('band_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('band_key', 'document_id')
    )
    with op.batch_alter_table('lsh_band', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lsh_band_document_id'), ['document_id'],
                              unique=False)

    op.create_table('document_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'revision', name='uq_document_revision')
    )
    with op.batch_alter_table('document_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_revision_document_id'), ['document_id'],
                              unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copy_of', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('similarity', sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_copy_of'), ['copy_of'], unique=False)
        batch_op.create_foreign_key('fk_document_copy_of', 'document', ['copy_of'], ['id'])

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_constraint('uq_claim_span', type_='unique')
        batch_op.add_column(sa.Column('cluster_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('text_key', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=True))
        batch_op.add_column(sa.Column('bag_key', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=True))
        batch_op.add_column(sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_foreign_key('fk_claim_cluster_id', 'claim_cluster', ['cluster_id'],
                                    ['id'])
        batch_op.create_index(batch_op.f('ix_claim_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_text_key'), ['text_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_bag_key'), ['bag_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_origin'), ['origin'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_superseded_at'), ['superseded_at'],
                              unique=False)
    op.create_index('uq_claim_live_span', 'claim',
                    ['document_id', 'start', 'end', 'extractor_version'], unique=True,
                    sqlite_where=_LIVE, postgresql_where=_LIVE)

    with op.batch_alter_table('ingestion_run', schema=None) as batch_op:
        for name in ('claim_clusters_new', 'claims_repeated', 'claims_superseded'):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False,
                                          server_default='0'))
    _sqlite_foreign_keys(True)


def downgrade() -> None:
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('ingestion_run', schema=None) as batch_op:
        for name in ('claims_superseded', 'claims_repeated', 'claim_clusters_new'):
            batch_op.drop_column(name)
    op.drop_index('uq_claim_live_span', table_name='claim')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        for ix in ('superseded_at', 'origin', 'bag_key', 'text_key', 'cluster_id'):
            batch_op.drop_index(batch_op.f(f'ix_claim_{ix}'))
        batch_op.drop_constraint('fk_claim_cluster_id', type_='foreignkey')
        for col in ('superseded_at', 'revision', 'origin', 'bag_key', 'text_key', 'cluster_id'):
            batch_op.drop_column(col)
        batch_op.create_unique_constraint('uq_claim_span',
                                          ['document_id', 'start', 'end', 'extractor_version'])
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_copy_of', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_copy_of'))
        batch_op.drop_column('similarity')
        batch_op.drop_column('copy_of')
    op.drop_table('document_revision')
    op.drop_table('lsh_band')
    op.drop_table('document_signature')
    op.drop_table('claim_cluster')
    _sqlite_foreign_keys(True)
