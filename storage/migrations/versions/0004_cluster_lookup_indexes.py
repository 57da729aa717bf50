"""cluster lookups: claim(text_key, id) and claim(bag_key, id) for clustered claims

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:00:00

storage.dedup.ClusterAssigner asks, for every text key and bag key of a document, for
the cluster of the earliest clustered claim carrying it. Partial indexes on (key, id)
where cluster_id IS NOT NULL answer each with one index descent; they replace the
single-column text_key and bag_key indexes, which nothing else reads.

storage.dedup.refresh_new_openers asks, per cluster a new document joins, for its
latest claim (claim(cluster_id, ingested_at, id)) and its superseded claims (partial
on superseded_at IS NOT NULL), so storing a document does not read whole clusters.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_CLUSTERED = sa.text("cluster_id IS NOT NULL")
_SUPERSEDED = sa.text("superseded_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_text_key_id', ['text_key', 'id'], unique=False,
                              sqlite_where=_CLUSTERED, postgresql_where=_CLUSTERED)
        batch_op.create_index('ix_claim_bag_key_id', ['bag_key', 'id'], unique=False,
                              sqlite_where=_CLUSTERED, postgresql_where=_CLUSTERED)
        batch_op.drop_index('ix_claim_text_key')
        batch_op.drop_index('ix_claim_bag_key')
        batch_op.create_index('ix_claim_cluster_ingested', ['cluster_id', 'ingested_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_claim_cluster_superseded', ['cluster_id'], unique=False,
                              sqlite_where=_SUPERSEDED, postgresql_where=_SUPERSEDED)


def downgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_text_key', ['text_key'], unique=False)
        batch_op.create_index('ix_claim_bag_key', ['bag_key'], unique=False)
        batch_op.drop_index('ix_claim_cluster_superseded')
        batch_op.drop_index('ix_claim_cluster_ingested')
        batch_op.drop_index('ix_claim_bag_key_id')
        batch_op.drop_index('ix_claim_text_key_id')
