"""Expert panels over a subject (R-REV-1…5, later R-ASM-4/5): a review gets ``subject_type``,
``subject_id`` and ``criteria_set``, unique on (subject_type, subject_id); ``centre`` becomes a
many-to-one (a centre has its selection panel, and later its assessment panels). Every existing
review is its centre's selection review: subject 'selection', the centre's id, criteria
'selection'.

SQLite changes a column by rebuilding the table, and a rebuilt ``review`` may only be dropped
while no row points at it: foreign keys stay on inside the migration's transaction. The rows of
``review_assignment`` and ``score`` are parked in temporary tables meanwhile and put back
unchanged. PostgreSQL alters the table in place."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.reviews import PanelSubject
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

SUBJECT_TYPES = 'SELECTION: selection\nASSESSMENT: assessment\nREASSESSMENT: reassessment'
CHILDREN = ('review_assignment', 'score')  # the tables holding on to review, outermost first


async def _run(schema_editor, *statements):
    for statement in statements:
        await schema_editor._run_sql(statement)


async def park_children(apps, schema_editor):
    if schema_editor.DIALECT != 'sqlite':
        return
    for table in CHILDREN:
        await _run(schema_editor, f'CREATE TEMP TABLE "parked__{table}" AS SELECT * FROM "{table}"')
    for table in reversed(CHILDREN):
        await _run(schema_editor, f'DELETE FROM "{table}"')


async def restore_children(apps, schema_editor):
    if schema_editor.DIALECT != 'sqlite':
        return
    for table in CHILDREN:
        await _run(
            schema_editor,
            f'INSERT INTO "{table}" SELECT * FROM "parked__{table}"',
            f'DROP TABLE "parked__{table}"',
        )


async def index_centre_on_sqlite(apps, schema_editor):
    # PostgreSQL indexes review.centre_id when altering the field; SQLite's rebuild does not.
    if schema_editor.DIALECT == 'sqlite':
        await schema_editor.add_index(apps.get_model('models', 'Review'), Index(fields=('centre_id',)))


class Migration(migrations.Migration):
    dependencies = [('models', '0005_withdrawn_assignments')]

    initial = False

    operations = [
        ops.RunPython(park_children, restore_children),
        ops.AddField(
            model_name='Review',
            name='subject_type',
            field=fields.CharEnumField(null=True, description=SUBJECT_TYPES, enum_type=PanelSubject, max_length=32),
        ),
        ops.AddField(
            model_name='Review',
            name='subject_id',
            field=fields.UUIDField(null=True),
        ),
        ops.AddField(
            model_name='Review',
            name='criteria_set',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.RunSQL(
            "UPDATE review SET subject_type = 'selection', subject_id = centre_id,"
            " criteria_set = 'selection' WHERE subject_id IS NULL",
            reverse_sql=ops.RunSQL.noop,
        ),
        ops.AlterField(
            model_name='Review',
            name='subject_type',
            field=fields.CharEnumField(default=PanelSubject.SELECTION, description=SUBJECT_TYPES, enum_type=PanelSubject, max_length=32),
        ),
        ops.AlterField(
            model_name='Review',
            name='subject_id',
            field=fields.UUIDField(),
        ),
        ops.AlterField(
            model_name='Review',
            name='criteria_set',
            field=fields.CharField(default='selection', max_length=32),
        ),
        ops.AlterField(
            model_name='Review',
            name='centre',
            field=fields.ForeignKeyField('models.Centre', source_field='centre_id', db_index=True, db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT),
        ),
        ops.RunPython(restore_children, park_children),
        ops.RunPython(index_centre_on_sqlite, ops.RunPython.noop),
        ops.AlterModelOptions(
            name='Review',
            options={'table': 'review', 'app': 'models', 'unique_together': (('subject_type', 'subject_id'),), 'pk_attr': 'id'},
        ),
        ops.AddConstraint(
            model_name='Review',
            constraint=UniqueConstraint(fields=('subject_type', 'subject_id'), name=None),
        ),
    ]
