from tortoise import migrations
from tortoise.migrations import operations as ops
from models.documents import DocumentKind, OwnerType
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Document',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('owner_type', fields.CharEnumField(description='CENTRE: centre', enum_type=OwnerType, max_length=32)),
                ('owner_id', fields.UUIDField(db_index=True)),
                ('kind', fields.CharEnumField(description='CONSTRUCTION_PLAN: construction_plan\nBUSINESS_LICENCE: business_licence\nFINANCIAL_STATEMENT: financial_statement\nTASK_AGREEMENT: task_agreement\nINSPECTION_RECORD: inspection_record\nOTHER: other', enum_type=DocumentKind, max_length=32)),
                ('title', fields.CharField(max_length=200)),
                ('current_version', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'document', 'app': 'models', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='DocumentVersion',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField()),
                ('file_name', fields.CharField(max_length=255)),
                ('media_type', fields.CharField(max_length=128)),
                ('size', fields.BigIntField()),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('storage_key', fields.CharField(db_index=True, max_length=200)),
                ('uploaded_by', fields.ForeignKeyField('models.User', source_field='uploaded_by_id', db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'document_version', 'app': 'models', 'unique_together': (('document_id', 'version'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='PendingBlob',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('storage_key', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'pending_blob', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
