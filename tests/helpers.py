"""Builders for test data and a small GraphQL client."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import UUID

import httpx

from api.settings import Settings
from api.tokens import issue_token
from models.accounts import RoleBinding, RoleName, User
from models.centres import AllianceMember, Centre, CentreStatus, MemberRole
from models.credit_code import make_credit_code
from models.reference import City, Industry, Organisation, OrganisationKind
from services.ids import global_id, split_global_id
from services.passwords import hash_password

PASSWORD = "Correct-Horse-42"
_serial = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)  # hashed once: argon2 costs tens of ms


class Api:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client, self.settings = client, settings

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.raw(query, variables, token)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        body = await self.gql(query, variables, token)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


class World:
    """Creates organisations, users and centres directly in the database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def city(self, code: str) -> City:
        return await City.get(code=code)

    async def industry(self, code: str = "machinery_equipment") -> Industry:
        return await Industry.get(code=code)

    async def organisation(
        self,
        city_code: str = "450100",
        kind: OrganisationKind = OrganisationKind.ENTERPRISE,
        name: str | None = None,
    ) -> Organisation:
        n = next(_serial)
        city = await self.city(city_code)
        return await Organisation.create(
            name=name or f"测试单位{n}",
            short_name=f"org{n}",
            credit_code=make_credit_code("91", city_code, f"{n:08d}"),
            kind=kind,
            city_id=city.id,
        )

    async def user(
        self,
        role: RoleName | None,
        *,
        city_code: str | None = None,
        organisation: Organisation | None = None,
        username: str | None = None,
    ) -> User:
        n = next(_serial)
        user = await User.create(
            username=username or f"user{n}",
            display_name=f"User {n}",
            password_hash=password_hash(),
            organisation_id=organisation.id if organisation else None,
        )
        if role is not None:
            await self.bind(user, role, city_code=city_code, organisation=organisation)
        return user

    async def bind(
        self,
        user: User,
        role: RoleName,
        *,
        city_code: str | None = None,
        organisation: Organisation | None = None,
    ) -> RoleBinding:
        city_id = (await self.city(city_code)).id if city_code else None
        return await RoleBinding.create(
            user_id=user.id,
            role=role,
            city_id=city_id,
            organisation_id=organisation.id if organisation else None,
        )

    def token(self, user: User) -> str:
        return issue_token(self.settings, user.id, user.token_version).token

    async def centre(
        self,
        lead: Organisation,
        *,
        members: Sequence[Organisation] = (),
        status: CentreStatus = CentreStatus.ESTABLISHED,
        industry_code: str = "machinery_equipment",
        name: str | None = None,
        former_members: Sequence[Organisation] = (),
    ) -> Centre:
        n = next(_serial)
        centre = await Centre.create(
            name=name or f"测试创新中心{n:04d}",
            city_id=lead.city_id,
            industry_id=(await self.industry(industry_code)).id,
            lead_organisation_id=lead.id,
            status=status,
        )
        await AllianceMember.create(
            centre_id=centre.id,
            organisation_id=lead.id,
            member_role=MemberRole.LEAD,
            joined_on=date(2026, 1, 1),
        )
        for org in members:
            await AllianceMember.create(
                centre_id=centre.id,
                organisation_id=org.id,
                member_role=MemberRole.MEMBER,
                joined_on=date(2026, 2, 1),
            )
        for org in former_members:
            await AllianceMember.create(
                centre_id=centre.id,
                organisation_id=org.id,
                member_role=MemberRole.CORE,
                joined_on=date(2025, 1, 1),
                left_on=date(2026, 3, 1),
            )
        return centre


def ids(rows: list[Any]) -> set[str]:
    return {str(r.id) if not isinstance(r, UUID) else str(r) for r in rows}


def gid(row: Any, type_name: str | None = None) -> str:
    """The global id the API gives a model row (its GraphQL type is named like the model)."""
    return global_id(type_name or type(row).__name__, row.id)


def pk(node_id: str) -> UUID:
    """The UUID behind a global id taken from an answer (to look the row up in the database)."""
    parsed = split_global_id(node_id)
    assert parsed is not None, f"not a global id: {node_id!r}"
    return parsed[1]
