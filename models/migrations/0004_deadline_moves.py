from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_selection_workflow')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='CentreStatusEvent',
            name='actor',
            field=fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='status_events', on_delete=OnDelete.RESTRICT),
        ),
    ]
