"""The Node interface: every record with an id answers ``node(id:)`` (Relay global object ids)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from services.ids import SEPARATOR


@strawberry.interface(
    description=(
        "A record with a global id: give the id to node(id:) to read it again / "
        "带全局标识的记录: 可用 node(id:) 重新读取"
    )
)
class Node:
    id: strawberry.ID = strawberry.field(
        description=(
            "Opaque global id; it carries the record's type. Take it from an answer and give it "
            "back unchanged / 全局标识(不透明, 含类型)"
        )
    )

    def pk(self) -> UUID:
        """The record's UUID: the id without its type (ids are built by services/ids.py)."""
        return UUID(self.id.rpartition(SEPARATOR)[2])
