from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.accounts import RoleName
from models.audit import Outcome
from models.centres import CentreStatus, MemberRole
from models.reference import OrganisationKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seq', fields.BigIntField(unique=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.UUIDField(null=True, db_index=True)),
                ('actor', fields.CharField(default='', max_length=64)),
                ('role', fields.CharField(default='', max_length=32)),
                ('tenant', fields.CharField(default='', max_length=64)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('object_type', fields.CharField(default='', max_length=32)),
                ('object_id', fields.CharField(default='', db_index=True, max_length=64)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('outcome', fields.CharEnumField(description='SUCCESS: success\nFAILURE: failure\nDENIED: denied', enum_type=Outcome, max_length=16)),
                ('request_id', fields.CharField(default='', max_length=64)),
                ('client_addr', fields.CharField(default='', max_length=64)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditHead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField()),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_head', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='City',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('code', fields.CharField(unique=True, max_length=6)),
                ('name_zh', fields.CharField(max_length=32)),
                ('name_en', fields.CharField(max_length=64)),
                ('pinyin', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'city', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Industry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name_zh', fields.CharField(max_length=64)),
                ('name_en', fields.CharField(max_length=128)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'industry', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('username', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('failures', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'models', 'pk_attr': 'username'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Organisation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=200)),
                ('short_name', fields.CharField(unique=True, max_length=64)),
                ('credit_code', fields.CharField(unique=True, max_length=18)),
                ('kind', fields.CharEnumField(description='ENTERPRISE: enterprise\nRESEARCH_INSTITUTE: research_institute\nUNIVERSITY: university\nOTHER: other', enum_type=OrganisationKind, max_length=32)),
                ('city', fields.ForeignKeyField('models.City', source_field='city_id', db_constraint=True, to_field='id', related_name='organisations', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'organisation', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Centre',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=200)),
                ('city', fields.ForeignKeyField('models.City', source_field='city_id', db_constraint=True, to_field='id', related_name='centres', on_delete=OnDelete.RESTRICT)),
                ('industry', fields.ForeignKeyField('models.Industry', source_field='industry_id', db_constraint=True, to_field='id', related_name='centres', on_delete=OnDelete.RESTRICT)),
                ('lead_organisation', fields.ForeignKeyField('models.Organisation', source_field='lead_organisation_id', db_constraint=True, to_field='id', related_name='led_centres', on_delete=OnDelete.RESTRICT)),
                ('direction', fields.CharField(default='', max_length=200)),
                ('operating_company', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(default=CentreStatus.DRAFT, db_index=True, description='DRAFT: draft\nSUBMITTED: submitted\nRETURNED: returned\nRECOMMENDED: recommended\nFORMAL_REVIEW_PASSED: formal_review_passed\nEXPERT_REVIEW: expert_review\nREJECTED: rejected\nCULTIVATING: cultivating\nCULTIVATION_FAILED: cultivation_failed\nESTABLISHED: established\nRECTIFYING: rectifying\nREVOKED: revoked', enum_type=CentreStatus, max_length=32)),
                ('is_national', fields.BooleanField(default=False)),
                ('listed_on', fields.DateField(null=True)),
                ('established_on', fields.DateField(null=True)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'centre', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='AllianceMember',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('member_role', fields.CharEnumField(description='LEAD: lead\nCORE: core\nMEMBER: member', enum_type=MemberRole, max_length=16)),
                ('joined_on', fields.DateField()),
                ('left_on', fields.DateField(null=True)),
            ],
            options={'table': 'alliance_member', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'centre_id'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(max_length=128)),
                ('password_hash', fields.CharField(max_length=256)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.RESTRICT)),
                ('is_active', fields.BooleanField(default=True)),
                ('token_version', fields.IntField(default=0)),
                ('password_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('declared_conflicts', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'app_user', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='RoleBinding',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='bindings', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(description='PROVINCIAL_ADMIN: provincial_admin\nPROVINCIAL_STAFF: provincial_staff\nMUNICIPAL_BUREAU: municipal_bureau\nENTERPRISE: enterprise\nEXPERT: expert', enum_type=RoleName, max_length=32)),
                ('city', fields.ForeignKeyField('models.City', source_field='city_id', null=True, db_constraint=True, to_field='id', related_name='bindings', on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name='bindings', on_delete=OnDelete.RESTRICT)),
                ('granted_by', fields.ForeignKeyField('models.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='granted_bindings', on_delete=OnDelete.RESTRICT)),
                ('revoked_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'role_binding', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
    ]
