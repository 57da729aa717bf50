"""claim_dimension.stance_confidence: /signals counts only the claims the model is sure of

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:10:00

The claim's stance_confidence (0006) copied onto its claim_dimension rows, like its stance,
so that `/signals?min_stance_confidence=0.7` counts from the same table. Backfilled from
claim; rows of claims extracted before 0.17 stay null until `gapwatch reprocess`.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stance_confidence', sa.Float(), nullable=True))
    op.execute("UPDATE claim_dimension SET stance_confidence = (SELECT c.stance_confidence "
               "FROM claim c WHERE c.id = claim_dimension.claim_id)")


def downgrade() -> None:
    with op.batch_alter_table('claim_dimension', schema=None) as batch_op:
        batch_op.drop_column('stance_confidence')
