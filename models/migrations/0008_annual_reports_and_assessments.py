"""Annual reports with their versions and verifications (R-ASM-2, R-ASM-3), assessments
(R-ASM-4, R-ASM-5); a document may belong to an annual report."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.migration_ops import AlterDescription
from decimal import Decimal
from models.annual_reports import ReportStatus, VerificationOutcome
from models.assessments import AssessmentKind, AssessmentStatus, Grade
from models.documents import OwnerType
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_read_path_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AnnualReport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='annual_reports', on_delete=OnDelete.RESTRICT)),
                ('year', fields.IntField()),
                ('status', fields.CharEnumField(default=ReportStatus.DRAFT, description='DRAFT: draft\nSUBMITTED: submitted\nRETURNED: returned\nFORWARDED: forwarded\nRECEIVED: received', enum_type=ReportStatus, max_length=16)),
                ('version', fields.IntField(default=0)),
                ('revenue_technology_transfer', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('revenue_incubation', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('revenue_contract_rd', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('revenue_testing_inspection', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('revenue_public_services', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('revenue_other', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('rd_spending', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('ip_created', fields.IntField(default=0)),
                ('standards_international', fields.IntField(default=0)),
                ('standards_national', fields.IntField(default=0)),
                ('standards_industry', fields.IntField(default=0)),
                ('standards_group', fields.IntField(default=0)),
                ('rd_staff', fields.IntField(default=0)),
                ('high_level_talent', fields.IntField(default=0)),
                ('enterprises_incubated', fields.IntField(default=0)),
                ('seed_financing', fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2)),
                ('narrative', fields.TextField(default='', unique=False)),
                ('first_submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('late', fields.BooleanField(default=False)),
                ('forwarded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_by', fields.ForeignKeyField('models.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='received_reports', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'annual_report', 'app': 'models', 'unique_together': (('centre_id', 'year'),), 'indexes': [Index(fields=['year', 'status'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='AnnualReportVersion',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('report', fields.ForeignKeyField('models.AnnualReport', source_field='report_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('content', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_by', fields.ForeignKeyField('models.User', source_field='submitted_by_id', db_constraint=True, to_field='id', related_name='report_versions', on_delete=OnDelete.RESTRICT)),
                ('late', fields.BooleanField()),
            ],
            options={'table': 'annual_report_version', 'app': 'models', 'unique_together': (('report_id', 'number'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Assessment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='PERIODIC: periodic\nREASSESSMENT: reassessment', enum_type=AssessmentKind, max_length=16)),
                ('cycle', fields.IntField()),
                ('onsite_on', fields.DateField()),
                ('status', fields.CharEnumField(default=AssessmentStatus.OPEN, description='OPEN: open\nGRADED: graded', enum_type=AssessmentStatus, max_length=16)),
                ('opened_by', fields.ForeignKeyField('models.User', source_field='opened_by_id', db_constraint=True, to_field='id', related_name='opened_assessments', on_delete=OnDelete.RESTRICT)),
                ('grade', fields.CharEnumField(null=True, description='EXCELLENT: excellent\nGOOD: good\nPASS: pass\nFAIL: fail', enum_type=Grade, max_length=16)),
                ('opinion', fields.TextField(default='', unique=False)),
                ('panel_result', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                ('graded_on', fields.DateField(null=True)),
                ('graded_by', fields.ForeignKeyField('models.User', source_field='graded_by_id', null=True, db_constraint=True, to_field='id', related_name='graded_assessments', on_delete=OnDelete.RESTRICT)),
                ('rectification_due', fields.DateField(null=True)),
            ],
            options={'table': 'assessment', 'app': 'models', 'unique_together': (('centre_id', 'kind', 'cycle'),), 'indexes': [Index(fields=['status'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ReportVerification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('report', fields.ForeignKeyField('models.AnnualReport', source_field='report_id', db_constraint=True, to_field='id', related_name='verifications', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField()),
                ('outcome', fields.CharEnumField(description='FORWARDED: forwarded\nRETURNED: returned', enum_type=VerificationOutcome, max_length=16)),
                ('truthful', fields.BooleanField()),
                ('accurate', fields.BooleanField()),
                ('conforming', fields.BooleanField()),
                ('comment', fields.TextField(default='', unique=False)),
                ('verified_by', fields.ForeignKeyField('models.User', source_field='verified_by_id', db_constraint=True, to_field='id', related_name='report_verifications', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'report_verification', 'app': 'models', 'indexes': [Index(fields=['report_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        AlterDescription(
            model_name='Document',
            name='owner_type',
            field=fields.CharEnumField(description='CENTRE: centre\nANNUAL_REPORT: annual_report', enum_type=OwnerType, max_length=32),
        ),
    ]
