"""Checks the review mutations share: conflicts of interest against the current alliance
(R-REV-1), what the audit log may keep of scores (R-REV-3), declared organisation ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from uuid import UUID

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient

from models.accounts import User
from models.reviews import conflict_of_interest, scores_digest
from policies import scopes
from policies.enforcer import Authorizer
from schema.errors import BadInput

MAX_DECLARED_CONFLICTS = 100


def scores_evidence(
    assignment_id: UUID, values: Mapping[str, tuple[Decimal, str]]
) -> dict[str, object] | None:
    """What the audit log keeps of an expert's scores (R-REV-3): which criteria, and a digest
    that proves the values without revealing them. Never the values or comments themselves."""
    if not values:
        return None
    return {"criteria": sorted(values), "digest": scores_digest(assignment_id, values)}


async def current_alliance(
    authz: Authorizer, centre_id: UUID, conn: BaseDBAsyncClient | None = None
) -> list[UUID]:
    """The organisations in the centre's alliance now (members who left are not counted)."""
    members = scopes.visible_alliance_members(authz).filter(centre_id=centre_id, left_on=None)
    rows = await members.using_db(conn).values_list("organisation_id", flat=True)
    return [UUID(str(r)) for r in rows]


def in_conflict(experts: Iterable[User], alliance: Sequence[UUID]) -> dict[UUID, str]:
    """Each expert in conflict with the alliance (R-REV-1), with the reason."""
    found: dict[UUID, str] = {}
    for expert in experts:
        reason = conflict_of_interest(expert.organisation_id, expert.declared_conflicts, alliance)
        if reason:
            found[expert.id] = reason
    return found


def organisation_ids(values: Sequence[strawberry.ID]) -> list[UUID]:
    """Distinct organisation ids in the order given; anything not an id is the caller's error."""
    found: dict[UUID, None] = {}
    for index, value in enumerate(values):
        try:
            found.setdefault(UUID(str(value)))
        except ValueError:
            raise BadInput(
                f"organisationIds[{index}] is not an organisation id", field="organisationIds"
            ) from None
        if len(found) > MAX_DECLARED_CONFLICTS:
            raise BadInput(
                f"declare at most {MAX_DECLARED_CONFLICTS} organisations", field="organisationIds"
            )
    return list(found)
