"""The funding ledger (R-FUND-1…4): subsidy decisions, national support plans and the
append-only ledger, every amount a whole number of fen."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.funding import EntryKind, FundingProgramme, SupportPurpose
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_annual_reports_and_assessments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('programme', fields.CharEnumField(description='SUBSIDY: subsidy\nNATIONAL_SUPPORT: national_support', enum_type=FundingProgramme, max_length=24)),
                ('kind', fields.CharEnumField(description='DISBURSEMENT: disbursement\nREVERSAL: reversal\nCANCELLATION: cancellation', enum_type=EntryKind, max_length=16)),
                ('instalment', fields.SmallIntField(null=True)),
                ('purpose', fields.CharEnumField(null=True, description='TALENT: talent\nGENERAL: general', enum_type=SupportPurpose, max_length=16)),
                ('amount_fen', fields.BigIntField()),
                ('value_date', fields.DateField()),
                ('year', fields.IntField()),
                ('payment_reference', fields.CharField(default='', max_length=64)),
                ('reason', fields.TextField(default='', unique=False)),
                ('reverses', fields.OneToOneField('models.LedgerEntry', source_field='reverses_id', null=True, db_constraint=True, to_field='id', related_name='reversed_by', on_delete=OnDelete.RESTRICT)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'ledger_entry', 'app': 'models', 'indexes': [Index(fields=['centre_id', 'programme', 'created_at']), Index(fields=['year'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='NationalSupportPlan',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.OneToOneField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='national_support_plan', on_delete=OnDelete.RESTRICT)),
                ('first_year', fields.IntField()),
                ('total_fen', fields.BigIntField()),
                ('talent_fen', fields.BigIntField()),
                ('decided_on', fields.DateField()),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', db_constraint=True, to_field='id', related_name='national_support_plans', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'national_support_plan', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='SubsidyDecision',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.OneToOneField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='subsidy_decision', on_delete=OnDelete.RESTRICT)),
                ('fixed_asset_investment_fen', fields.BigIntField()),
                ('software_investment_fen', fields.BigIntField()),
                ('basis_correction_reason', fields.TextField(null=True, unique=False)),
                ('cap_fen', fields.BigIntField()),
                ('approved_fen', fields.BigIntField()),
                ('first_instalment_fen', fields.BigIntField()),
                ('second_instalment_fen', fields.BigIntField()),
                ('decided_on', fields.DateField()),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', db_constraint=True, to_field='id', related_name='subsidy_decisions', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'subsidy_decision', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
    ]
