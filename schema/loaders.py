"""Per-request DataLoaders. Every batch starts from a scope in policies/scopes.py.

One batch = one SQL statement (per 500 keys: SQLite caps bound variables), so the number of
statements depends on the query's shape, not on how many rows come back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.accounts import RoleBinding
from models.centres import AllianceMember
from models.documents import Document, DocumentVersion
from models.reference import City, Industry
from policies import scopes
from policies.enforcer import Authorizer

ModelT = TypeVar("ModelT", bound=Model)
CHUNK = 500


def _chunks(keys: Sequence[UUID]) -> Iterable[Sequence[UUID]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _by_id(
    source: Callable[[], QuerySet[ModelT]],
) -> Callable[[list[UUID]], Awaitable[list[ModelT | None]]]:
    async def load(keys: list[UUID]) -> list[ModelT | None]:
        found: dict[UUID, ModelT] = {}
        for chunk in _chunks(keys):
            for row in await source().filter(id__in=chunk):
                found[row.pk] = row
        return [found.get(k) for k in keys]

    return load


def _grouped(
    source: Callable[[], QuerySet[ModelT]], key_field: str
) -> Callable[[list[UUID]], Awaitable[list[list[ModelT]]]]:
    async def load(keys: list[UUID]) -> list[list[ModelT]]:
        groups: dict[UUID, list[ModelT]] = defaultdict(list)
        for chunk in _chunks(keys):
            for row in await source().filter(**{f"{key_field}__in": chunk}):
                groups[getattr(row, key_field)].append(row)
        return [groups.get(k, []) for k in keys]

    return load


class Loaders:
    def __init__(self, authz: Authorizer) -> None:
        # Cities and industries are public reference data: every signed-in caller may read them.
        self.city = DataLoader(load_fn=_by_id(City.all))
        self.industry = DataLoader(load_fn=_by_id(Industry.all))
        self.organisation = DataLoader(load_fn=_by_id(lambda: scopes.visible_organisations(authz)))
        self.members_by_centre: DataLoader[UUID, list[AllianceMember]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_alliance_members(authz), "centre_id")
        )
        self.documents_by_owner: DataLoader[UUID, list[Document]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_documents(authz), "owner_id")
        )
        self.versions_by_document: DataLoader[UUID, list[DocumentVersion]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_document_versions(authz), "document_id")
        )
        self.uploader = DataLoader(load_fn=_by_id(lambda: scopes.document_uploaders(authz)))
        self.bindings_by_user: DataLoader[UUID, list[RoleBinding]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_role_bindings(authz), "user_id")
        )
