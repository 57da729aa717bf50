"""claim.stance_confidence: how sure the stance model was of the claim's stance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:20:00

The learned stance model's probability for the label it chose (extractor 0.17). Stance
is right about two times in three over all claims and four in five above 0.6, so a
forecasting tool that weighs the claim feed wants to keep only the confident ones.
Claims extracted before 0.17 have none until `gapwatch reprocess` brings them up.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stance_confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_column('stance_confidence')
