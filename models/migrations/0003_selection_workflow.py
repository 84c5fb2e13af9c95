from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from decimal import Decimal
from json import dumps, loads
from models.centres import CentreStatus
from models.cultivation import InspectionKind
from models.reviews import ReviewStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Call',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('year', fields.IntField()),
                ('title', fields.CharField(max_length=200)),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('industries', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('conditions', fields.TextField(default='', unique=False)),
                ('required_documents', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('support_policy', fields.TextField(default='', unique=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='calls', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'call', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CentreStatusEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='status_events', on_delete=OnDelete.RESTRICT)),
                ('from_status', fields.CharEnumField(null=True, description='DRAFT: draft\nSUBMITTED: submitted\nRETURNED: returned\nRECOMMENDED: recommended\nFORMAL_REVIEW_PASSED: formal_review_passed\nEXPERT_REVIEW: expert_review\nREJECTED: rejected\nCULTIVATING: cultivating\nCULTIVATION_FAILED: cultivation_failed\nESTABLISHED: established\nRECTIFYING: rectifying\nREVOKED: revoked', enum_type=CentreStatus, max_length=32)),
                ('to_status', fields.CharEnumField(description='DRAFT: draft\nSUBMITTED: submitted\nRETURNED: returned\nRECOMMENDED: recommended\nFORMAL_REVIEW_PASSED: formal_review_passed\nEXPERT_REVIEW: expert_review\nREJECTED: rejected\nCULTIVATING: cultivating\nCULTIVATION_FAILED: cultivation_failed\nESTABLISHED: established\nRECTIFYING: rectifying\nREVOKED: revoked', enum_type=CentreStatus, max_length=32)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', db_constraint=True, to_field='id', related_name='status_events', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharField(max_length=32)),
                ('comment', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'centre_status_event', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Inspection',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='inspections', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SPECIAL_INSPECTION: special_inspection\nEND_OF_PERIOD_EVALUATION: end_of_period_evaluation', enum_type=InspectionKind, max_length=32)),
                ('held_on', fields.DateField()),
                ('findings', fields.TextField(unique=False)),
                ('passed', fields.BooleanField(null=True)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='inspections', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'inspection', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.OneToOneField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='review', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=ReviewStatus.OPEN, description='OPEN: open\nFINALISED: finalised', enum_type=ReviewStatus, max_length=16)),
                ('onsite_check', fields.TextField(default='', unique=False)),
                ('opinion', fields.TextField(default='', unique=False)),
                ('result', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                ('expert_count', fields.IntField(default=0)),
                ('finalised_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finalised_by', fields.ForeignKeyField('models.User', source_field='finalised_by_id', null=True, db_constraint=True, to_field='id', related_name='finalised_reviews', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'review', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ReviewAssignment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('review', fields.ForeignKeyField('models.Review', source_field='review_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('expert', fields.ForeignKeyField('models.User', source_field='expert_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.RESTRICT)),
                ('weighted_total', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
            ],
            options={'table': 'review_assignment', 'app': 'models', 'unique_together': (('review_id', 'expert_id'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Score',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('assignment', fields.ForeignKeyField('models.ReviewAssignment', source_field='assignment_id', db_constraint=True, to_field='id', related_name='scores', on_delete=OnDelete.RESTRICT)),
                ('criterion', fields.CharField(max_length=32)),
                ('score', fields.DecimalField(max_digits=5, decimal_places=2)),
                ('comment', fields.TextField(default='', unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'score', 'app': 'models', 'unique_together': (('assignment_id', 'criterion'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TaskAgreement',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.OneToOneField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='task_agreement', on_delete=OnDelete.RESTRICT)),
                ('signed_on', fields.DateField()),
                ('tasks', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('support_measures', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'task_agreement', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Indicator',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('agreement', fields.ForeignKeyField('models.TaskAgreement', source_field='agreement_id', db_constraint=True, to_field='id', related_name='indicators', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=200)),
                ('unit', fields.CharField(default='', max_length=32)),
                ('target', fields.DecimalField(max_digits=18, decimal_places=2)),
            ],
            options={'table': 'indicator', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='IndicatorProgress',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('indicator', fields.ForeignKeyField('models.Indicator', source_field='indicator_id', db_constraint=True, to_field='id', related_name='progress', on_delete=OnDelete.RESTRICT)),
                ('reported_on', fields.DateField()),
                ('value', fields.DecimalField(max_digits=18, decimal_places=2)),
                ('note', fields.TextField(default='', unique=False)),
                ('reported_by', fields.ForeignKeyField('models.User', source_field='reported_by_id', db_constraint=True, to_field='id', related_name='progress_reports', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'indicator_progress', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.AddField(
            model_name='Centre',
            name='call',
            field=fields.ForeignKeyField('models.Call', source_field='call_id', null=True, db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Centre',
            name='decision_body',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Centre',
            name='duplicate_override_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Centre',
            name='expert_committee',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Centre',
            name='fixed_asset_investment',
            field=fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2),
        ),
        ops.AddField(
            model_name='Centre',
            name='plan_goals',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Centre',
            name='plan_key_technologies',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Centre',
            name='plan_roadmap',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Centre',
            name='software_investment',
            field=fields.DecimalField(default=Decimal('0.00'), max_digits=16, decimal_places=2),
        ),
        ops.AddField(
            model_name='Centre',
            name='submitted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
