"""Registering organisations (R-REF-3: the credit code is validated).

The rules live in ``services.organisations``; the resolver parses, calls and converts."""

from __future__ import annotations

import strawberry

from models.reference import OrganisationKind as Kind
from schema.context import Info
from schema.enums import value_of
from schema.reference.types import Organisation, OrganisationKind
from services import organisations


@strawberry.input
class CreateOrganisationInput:
    name: str
    short_name: str
    credit_code: str
    kind: OrganisationKind
    city_code: str


@strawberry.type
class ReferenceMutations:
    @strawberry.mutation(description="Register an organisation / 登记单位")
    async def create_organisation(self, info: Info, input: CreateOrganisationInput) -> Organisation:
        row = await organisations.create_organisation(
            info.context,
            name=input.name,
            short_name=input.short_name,
            credit_code=input.credit_code,
            kind=Kind(value_of(input.kind)),
            city_code=input.city_code,
        )
        return Organisation.of(row)
