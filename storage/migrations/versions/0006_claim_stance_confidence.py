"""claim.stance_confidence and its copy on claim_dimension: how sure the stance model was

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:20:00

The learned stance model's probability for the label it chose (extractor 0.17). Stance
is right about two times in three over all claims and four in five above 0.6, so a
forecasting tool that weighs the claim feed wants to keep only the confident ones. The
claim_dimension rows carry a copy, like their stance, so that
`/signals?min_stance_confidence=0.7` counts from the same table. Claims extracted before
0.17 have none until `gapwatch reprocess` brings them up.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('claim', 'claim_dimension')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('stance_confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('stance_confidence')
