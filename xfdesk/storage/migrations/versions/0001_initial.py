"""Initial schema: the records of domain §2.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Frozen from the models by autogenerate; from here on every schema change is a new revision
(tests/test_storage.py checks that the models and the migrations agree).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendarday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    with op.batch_alter_table('calendarday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendarday_year'), ['year'], unique=False)

    op.create_table('calendaryear',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('source_file', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('leader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('numberseries',
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year')
    )
    op.create_table('petitioner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name_initials', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('is_organisation', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('petitioner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petitioner_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitioner_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitioner_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitioner_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitioner_village'), ['village'], unique=False)

    op.create_table('receptionday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('planned_for', sa.Date(), nullable=True),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('receptionday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receptionday_day'), ['day'], unique=True)

    op.create_table('setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('head', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reception_day_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reception_day_id'], ['receptionday.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_received_at'), ['received_at'], unique=False)

    op.create_table('receptiondayleader',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reception_day_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('planned_leader_id', sa.Integer(), nullable=True),
    sa.Column('change_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ),
    sa.ForeignKeyConstraint(['planned_leader_id'], ['leader.id'], ),
    sa.ForeignKeyConstraint(['reception_day_id'], ['receptionday.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('receptiondayleader', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receptiondayleader_reception_day_id'), ['reception_day_id'], unique=False)

    op.create_table('contactpetitioner',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('petitioner_id', sa.Integer(), nullable=False),
    sa.Column('representative', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['petitioner_id'], ['petitioner.id'], ),
    sa.PrimaryKeyConstraint('contact_id', 'petitioner_id')
    )
    with op.batch_alter_table('contactpetitioner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contactpetitioner_petitioner_id'), ['petitioner_id'], unique=False)

    op.create_table('matter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('petitioner_id', sa.Integer(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('is_group', sa.Boolean(), nullable=False),
    sa.Column('is_repeat', sa.Boolean(), nullable=False),
    sa.Column('is_skip_level', sa.Boolean(), nullable=False),
    sa.Column('is_litigation', sa.Boolean(), nullable=False),
    sa.Column('is_restricted', sa.Boolean(), nullable=False),
    sa.Column('is_urgent', sa.Boolean(), nullable=False),
    sa.Column('is_threat', sa.Boolean(), nullable=False),
    sa.Column('is_fast_track', sa.Boolean(), nullable=False),
    sa.Column('repeat_of_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('route', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('route_reason', sa.Text(), nullable=False),
    sa.Column('route_basis', sa.Text(), nullable=False),
    sa.Column('forwarded_to', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('reply_result', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ),
    sa.ForeignKeyConstraint(['petitioner_id'], ['petitioner.id'], ),
    sa.ForeignKeyConstraint(['repeat_of_id'], ['matter.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'seq')
    )
    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_location'), ['location'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_number'), ['number'], unique=True)
        batch_op.create_index(batch_op.f('ix_matter_petitioner_id'), ['petitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_status'), ['status'], unique=False)
        batch_op.create_index('ix_matter_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_unit_id'), ['unit_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reception_day_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['leader.id'], ),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.ForeignKeyConstraint(['reception_day_id'], ['receptionday.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_reception_day_id'), ['reception_day_id'], unique=False)

    op.create_table('clockpause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clockpause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clockpause_matter_id'), ['matter_id'], unique=False)

    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('assumed', sa.Boolean(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_matter_state', ['matter_id', 'state'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('number_text', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('reception_day_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('file_path', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('void_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.ForeignKeyConstraint(['reception_day_id'], ['receptionday.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'year', 'seq')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_matter_id'), ['matter_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_matter_id'), ['matter_id'], unique=False)

    op.create_table('followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('satisfaction', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('clerk', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_matter_id'), ['matter_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_matter_id'), ['matter_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_matter_id'))

    op.drop_table('review')
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_matter_id'))

    op.drop_table('followup')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_matter_id'))
        batch_op.drop_index(batch_op.f('ix_event_at'))
        batch_op.drop_index(batch_op.f('ix_event_action'))

    op.drop_table('event')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_matter_id'))
        batch_op.drop_index(batch_op.f('ix_document_kind'))

    op.drop_table('document')
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_matter_state')

    op.drop_table('deadline')
    with op.batch_alter_table('clockpause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clockpause_matter_id'))

    op.drop_table('clockpause')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_reception_day_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_matter_id'))

    op.drop_table('appointment')
    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_unit_id'))
        batch_op.drop_index('ix_matter_status_due')
        batch_op.drop_index(batch_op.f('ix_matter_status'))
        batch_op.drop_index(batch_op.f('ix_matter_received_on'))
        batch_op.drop_index(batch_op.f('ix_matter_petitioner_id'))
        batch_op.drop_index(batch_op.f('ix_matter_number'))
        batch_op.drop_index(batch_op.f('ix_matter_location'))
        batch_op.drop_index(batch_op.f('ix_matter_due_on'))
        batch_op.drop_index(batch_op.f('ix_matter_contact_id'))
        batch_op.drop_index(batch_op.f('ix_matter_category'))

    op.drop_table('matter')
    with op.batch_alter_table('contactpetitioner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contactpetitioner_petitioner_id'))

    op.drop_table('contactpetitioner')
    with op.batch_alter_table('receptiondayleader', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receptiondayleader_reception_day_id'))

    op.drop_table('receptiondayleader')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_received_at'))

    op.drop_table('contact')
    op.drop_table('unit')
    op.drop_table('setting')
    with op.batch_alter_table('receptionday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receptionday_day'))

    op.drop_table('receptionday')
    with op.batch_alter_table('petitioner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitioner_village'))
        batch_op.drop_index(batch_op.f('ix_petitioner_phone'))
        batch_op.drop_index(batch_op.f('ix_petitioner_name_initials'))
        batch_op.drop_index(batch_op.f('ix_petitioner_name'))
        batch_op.drop_index(batch_op.f('ix_petitioner_id_number'))

    op.drop_table('petitioner')
    op.drop_table('numberseries')
    op.drop_table('leader')
    op.drop_table('calendaryear')
    with op.batch_alter_table('calendarday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendarday_year'))

    op.drop_table('calendarday')
