"""Indexes on every foreign key a tenant scope or a loader filters by (issue 11: the read path)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_review_panels')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AllianceMember',
            index=Index(fields=['centre_id', 'joined_on']),
        ),
        ops.AddIndex(
            model_name='Centre',
            index=Index(fields=['city_id', 'name']),
        ),
        ops.AddIndex(
            model_name='Centre',
            index=Index(fields=['industry_id']),
        ),
        ops.AddIndex(
            model_name='Centre',
            index=Index(fields=['lead_organisation_id']),
        ),
        ops.AddIndex(
            model_name='Centre',
            index=Index(fields=['call_id']),
        ),
        ops.AddIndex(
            model_name='Centre',
            index=Index(fields=['status', 'listed_on']),
        ),
        ops.AddIndex(
            model_name='CentreStatusEvent',
            index=Index(fields=['centre_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='Indicator',
            index=Index(fields=['agreement_id']),
        ),
        ops.AddIndex(
            model_name='IndicatorProgress',
            index=Index(fields=['indicator_id']),
        ),
        ops.AddIndex(
            model_name='Inspection',
            index=Index(fields=['centre_id']),
        ),
        ops.AddIndex(
            model_name='Organisation',
            index=Index(fields=['city_id']),
        ),
        ops.AddIndex(
            model_name='ReviewAssignment',
            index=Index(fields=['centre_id']),
        ),
        ops.AddIndex(
            model_name='ReviewAssignment',
            index=Index(fields=['expert_id']),
        ),
        ops.AddIndex(
            model_name='RoleBinding',
            index=Index(fields=['user_id']),
        ),
        ops.AddIndex(
            model_name='RoleBinding',
            index=Index(fields=['city_id']),
        ),
        ops.AddIndex(
            model_name='RoleBinding',
            index=Index(fields=['organisation_id']),
        ),
        ops.AddIndex(
            model_name='User',
            index=Index(fields=['organisation_id']),
        ),
    ]
