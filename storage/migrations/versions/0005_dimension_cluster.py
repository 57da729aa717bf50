"""claim_dimension.cluster_id: which rows can open a cluster, by one index descent

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 04:00:00

storage.dedup.refresh_new_openers asks, for each (cluster, dimension) a new document
joins, whether a live claim of an original document already opens it there. Answered
from claim it walked every claim of the cluster and looked up its row for that
dimension: thousands of lookups for a large cluster whose claims carry other
dimensions, and on PostgreSQL with stale statistics a pass over every row of the
dimension. The claim's cluster is copied onto its rows (claims never change cluster)
with a partial index on the rows that can open.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OPEN_ROW_SQLITE = "is_copy = 0 AND superseded_at IS NULL"
OPEN_ROW_POSTGRESQL = "NOT is_copy AND superseded_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cluster_id', sa.Integer(), nullable=True))
    op.execute("UPDATE claim_dimension SET cluster_id = "
               "(SELECT c.cluster_id FROM claim c WHERE c.id = claim_dimension.claim_id)")
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.create_index('ix_claim_dimension_cluster_open', ['cluster_id', 'dimension'],
                              unique=False, sqlite_where=sa.text(OPEN_ROW_SQLITE),
                              postgresql_where=sa.text(OPEN_ROW_POSTGRESQL))


def downgrade() -> None:
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_dimension_cluster_open')
        batch_op.drop_column('cluster_id')
