"""Migration operations the generated ones lack (imported by the files in models/migrations)."""

from __future__ import annotations

from typing import Any

from tortoise.migrations import operations as ops


class AlterDescription(ops.AlterField):
    """A field whose column only changes its description (an enum gains a value): PostgreSQL
    updates the column's comment; SQLite keeps no comments but would rebuild the table for it, and
    a rebuilt table cannot be dropped while rows of other tables point at it (foreign keys stay
    on inside a migration), so SQLite is left as it is."""

    async def database_forward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is not None and state_editor.DIALECT == "sqlite":
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is not None and state_editor.DIALECT == "sqlite":
            return
        await super().database_backward(app_label, old_state, new_state, state_editor)
