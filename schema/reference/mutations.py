"""Registering organisations (R-REF-3: the credit code is validated)."""

from __future__ import annotations

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import reference as m
from models.credit_code import InvalidCreditCode, normalise_credit_code
from policies.vocabulary import Action, Resource
from schema.context import Info
from schema.enums import value_of
from schema.errors import BadInput, Conflict
from schema.guard import require
from schema.reference.types import Organisation, OrganisationKind


@strawberry.input
class CreateOrganisationInput:
    name: str
    short_name: str
    credit_code: str
    kind: OrganisationKind
    city_code: str


def _snapshot(row: m.Organisation) -> dict[str, object]:
    return {
        "name": row.name,
        "short_name": row.short_name,
        "credit_code": row.credit_code,
        "kind": str(row.kind),
        "city_id": str(row.city_id),
    }


@strawberry.type
class ReferenceMutations:
    @strawberry.mutation(description="Register an organisation / 登记单位")
    async def create_organisation(self, info: Info, input: CreateOrganisationInput) -> Organisation:
        ctx = info.context
        await require(ctx, Resource.ORGANISATION, Action.CREATE)
        name, short_name = input.name.strip(), input.short_name.strip()
        if not name or len(name) > 200:
            raise BadInput("name must have 1 to 200 characters", field="name")
        if not short_name or len(short_name) > 64:
            raise BadInput("shortName must have 1 to 64 characters", field="shortName")
        try:
            code = normalise_credit_code(input.credit_code)
        except InvalidCreditCode as exc:
            raise BadInput(
                f"invalid unified social credit code: {exc}", field="creditCode"
            ) from None
        city = await m.City.get_or_none(code=input.city_code)
        if city is None:
            raise BadInput(f"unknown city code {input.city_code}", field="cityCode")
        if await m.Organisation.filter(credit_code=code).exists():
            raise Conflict("an organisation with this credit code is already registered")
        if await m.Organisation.filter(short_name=short_name).exists():
            raise Conflict("an organisation with this short name is already registered")
        try:
            async with in_transaction() as conn:
                row = await m.Organisation.create(
                    name=name,
                    short_name=short_name,
                    credit_code=code,
                    kind=m.OrganisationKind(value_of(input.kind)),
                    city_id=city.id,
                    using_db=conn,
                )
                await ctx.audit_change(
                    conn,
                    Resource.ORGANISATION,
                    Action.CREATE,
                    row.id,
                    after=_snapshot(row),
                )
        except IntegrityError:
            raise Conflict("an organisation with this credit code or short name exists") from None
        return Organisation.of(row)
