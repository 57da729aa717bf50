"""signal facts on claim_dimension, covering indexes for /signals, figure(claim_id)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00

claim_dimension gets copies of what /signals counts (the claim's stance, UTC days,
ingested_at, superseded_at, its document's copy status) and opens_at, the time from
which the row counts its cluster (rule in storage/dedup.py). Existing rows are
backfilled from claim and document, so an upgraded database counts what a fresh one
would.
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_SIGNAL = ['dimension', 'stance', 'opens_at', 'ingested_at', 'superseded_at']


def _day(dialect: str, col: str) -> str:
    """The UTC calendar day of a timestamp column (SQLite stores UTC text)."""
    if dialect == 'postgresql':
        return f"CAST(timezone('UTC', {col}) AS date)"
    return f"substr({col}, 1, 10)"


def _backfill(dialect: str) -> None:
    op.execute(f"""
        UPDATE claim_dimension SET
            stance = c.stance,
            published_day = {_day(dialect, 'c.published_at')},
            ingested_day = {_day(dialect, 'c.ingested_at')},
            ingested_at = c.ingested_at,
            superseded_at = c.superseded_at,
            is_copy = (d.copy_of IS NOT NULL)
        FROM claim c JOIN document d ON d.id = c.document_id
        WHERE c.id = claim_dimension.claim_id""")
    # The opening row of each (cluster, dimension): among original rows in (ingested_at,
    # id) order, a row opens once every earlier one is superseded (storage.dedup
    # .opening_times); a claim without a cluster is its own.
    latest = "GREATEST(ing, barrier)" if dialect == 'postgresql' else "max(ing, barrier)"
    op.execute(f"""
        WITH ranked AS (
            SELECT cd.claim_id AS claim_id, cd.dimension AS dimension,
                   cd.ingested_at AS ing, cd.superseded_at AS sup,
                   SUM(CASE WHEN cd.superseded_at IS NULL THEN 1 ELSE 0 END) OVER w AS live,
                   MAX(cd.superseded_at) OVER w AS barrier
            FROM claim_dimension cd JOIN claim c ON c.id = cd.claim_id
            WHERE cd.is_copy = {'false' if dialect == 'postgresql' else '0'}
            WINDOW w AS (PARTITION BY COALESCE(c.cluster_id, -c.id), cd.dimension
                         ORDER BY cd.ingested_at, cd.claim_id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ), opened AS (
            SELECT claim_id, dimension, sup,
                   CASE WHEN barrier IS NULL THEN ing ELSE {latest} END AS opens
            FROM ranked WHERE COALESCE(live, 0) = 0
        )
        UPDATE claim_dimension SET opens_at = opened.opens
        FROM opened
        WHERE opened.claim_id = claim_dimension.claim_id
          AND opened.dimension = claim_dimension.dimension
          AND (opened.sup IS NULL OR opened.opens < opened.sup)""")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stance', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('published_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ingested_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('is_copy', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _backfill(dialect)
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.alter_column('stance', existing_type=sa.String(), nullable=False)
        batch_op.alter_column('ingested_day', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('ingested_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index('ix_claim_dimension_published', ['published_day', *_SIGNAL],
                              unique=False, postgresql_include=['claim_id'])
        batch_op.create_index('ix_claim_dimension_ingested', ['ingested_day', *_SIGNAL],
                              unique=False)
        batch_op.create_index('ix_claim_dimension_dim_day',
                              ['dimension', 'ingested_day', 'claim_id'], unique=False)
    with op.batch_alter_table('figure', schema=None) as batch_op:
        batch_op.create_index('ix_figure_claim_id', ['claim_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('figure', schema=None) as batch_op:
        batch_op.drop_index('ix_figure_claim_id')
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_dimension_dim_day')
        batch_op.drop_index('ix_claim_dimension_ingested')
        batch_op.drop_index('ix_claim_dimension_published')
        for col in ('is_copy', 'opens_at', 'superseded_at', 'ingested_at', 'ingested_day',
                    'published_day', 'stance'):
            batch_op.drop_column(col)
