"""The IP-sharing register (R-IP-1…4): assets, numbered share sets, transfers and each owner's
part of their revenue in whole fen; a document may belong to an IP asset."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.migration_ops import AlterDescription
from models.documents import OwnerType
from models.ip_register import IpKind, LegalStatus, TransferKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_funding_ledger')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IpAsset',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='ip_assets', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='INVENTION_PATENT: invention_patent\nUTILITY_MODEL: utility_model\nDESIGN_PATENT: design_patent\nSOFTWARE_COPYRIGHT: software_copyright\nSTANDARD: standard\nTECHNICAL_SECRET: technical_secret\nOTHER: other', enum_type=IpKind, max_length=24)),
                ('title', fields.CharField(max_length=300)),
                ('number', fields.CharField(null=True, max_length=64)),
                ('filed_on', fields.DateField(null=True)),
                ('granted_on', fields.DateField(null=True)),
                ('legal_status', fields.CharEnumField(default=LegalStatus.PENDING, description='PENDING: pending\nGRANTED: granted\nLAPSED: lapsed\nTRANSFERRED: transferred', enum_type=LegalStatus, max_length=16)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='ip_assets', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'ip_asset', 'app': 'models', 'unique_together': (('kind', 'number'),), 'indexes': [Index(fields=['centre_id', 'kind']), Index(fields=['centre_id', 'legal_status']), Index(fields=['filed_on'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='IpShareSet',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('asset', fields.ForeignKeyField('models.IpAsset', source_field='asset_id', db_constraint=True, to_field='id', related_name='share_sets', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('effective_on', fields.DateField()),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='ip_share_sets', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'ip_share_set', 'app': 'models', 'unique_together': (('asset_id', 'number'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='IpShare',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('share_set', fields.ForeignKeyField('models.IpShareSet', source_field='share_set_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='ip_shares', on_delete=OnDelete.RESTRICT)),
                ('share', fields.DecimalField(max_digits=7, decimal_places=4)),
            ],
            options={'table': 'ip_share', 'app': 'models', 'unique_together': (('share_set_id', 'organisation_id'),), 'indexes': [Index(fields=['organisation_id'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='IpTransfer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('asset', fields.ForeignKeyField('models.IpAsset', source_field='asset_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='ip_transfers', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='EXCLUSIVE_LICENCE: exclusive_licence\nNON_EXCLUSIVE_LICENCE: non_exclusive_licence\nASSIGNMENT: assignment\nEQUITY_INVESTMENT: equity_investment', enum_type=TransferKind, max_length=24)),
                ('counterparty', fields.CharField(max_length=200)),
                ('amount_fen', fields.BigIntField()),
                ('transferred_on', fields.DateField()),
                ('year', fields.IntField()),
                ('contract_reference', fields.CharField(max_length=64)),
                ('share_set', fields.ForeignKeyField('models.IpShareSet', source_field='share_set_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='ip_transfers', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'ip_transfer', 'app': 'models', 'indexes': [Index(fields=['asset_id', 'transferred_on']), Index(fields=['centre_id', 'year'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='IpRevenueShare',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('transfer', fields.ForeignKeyField('models.IpTransfer', source_field='transfer_id', db_constraint=True, to_field='id', related_name='revenue_shares', on_delete=OnDelete.RESTRICT)),
                ('centre', fields.ForeignKeyField('models.Centre', source_field='centre_id', db_constraint=True, to_field='id', related_name='ip_revenue_shares', on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='ip_revenue_shares', on_delete=OnDelete.RESTRICT)),
                ('year', fields.IntField()),
                ('amount_fen', fields.BigIntField()),
            ],
            options={'table': 'ip_revenue_share', 'app': 'models', 'unique_together': (('transfer_id', 'organisation_id'),), 'indexes': [Index(fields=['centre_id', 'year']), Index(fields=['organisation_id', 'year'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        AlterDescription(
            model_name='Document',
            name='owner_type',
            field=fields.CharEnumField(description='CENTRE: centre\nANNUAL_REPORT: annual_report\nIP_ASSET: ip_asset', enum_type=OwnerType, max_length=32),
        ),
    ]
