"""Organisations (单位): registering one, with a valid unified social credit code (R-REF-3)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from models.credit_code import InvalidCreditCode, normalise_credit_code
from models.reference import City, Organisation, OrganisationKind
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.changes import creating
from services.errors import BadInput, Conflict
from services.text import key_form
from services.values import text


async def create_organisation(
    actor: Actor,
    *,
    name: str,
    short_name: str,
    credit_code: str,
    kind: OrganisationKind,
    city_code: str,
) -> Organisation:
    """Register an organisation in the city ``city_code`` (audited ``organisation.create``).

    The credit code is normalised and its check character verified (R-REF-3); the credit code
    and the short name are each unique. Raises NotAllowed (no role may register organisations),
    BadInput (name, shortName, creditCode, unknown cityCode), Conflict (credit code or short
    name already registered)."""
    await actor.require(Resource.ORGANISATION, Action.CREATE)
    name = text(name, "name", 200)
    # The short name is a key: stored in NFKC without invisible characters, unique regardless
    # of case or full-width forms.
    short_name = key_form(text(short_name, "shortName", 64))
    if not short_name or len(short_name) > 64:
        raise BadInput("shortName must have 1 to 64 characters", field="shortName")
    try:
        code = normalise_credit_code(credit_code)
    except InvalidCreditCode as exc:
        raise BadInput(f"invalid unified social credit code: {exc}", field="creditCode") from None
    city = await City.get_or_none(code=city_code)
    if city is None:
        raise BadInput(f"unknown city code {city_code}", field="cityCode")
    if await Organisation.filter(credit_code=code).exists():
        raise Conflict("an organisation with this credit code is already registered")
    if await Organisation.filter(short_name__iexact=short_name).exists():
        raise Conflict("an organisation with this short name is already registered")
    try:
        async with creating(
            actor, resource=Resource.ORGANISATION, action=Action.CREATE
        ) as creation:
            row = await Organisation.create(
                name=name,
                short_name=short_name,
                credit_code=code,
                kind=kind,
                city_id=city.id,
                using_db=creation.conn,
            )
            creation.row = row
    except IntegrityError:
        raise Conflict("an organisation with this credit code or short name exists") from None
    return row
