"""Loading the caller once per request: the user row (active? token still valid?) and bindings.

Bindings are read on every request (one indexed query), so a grant or a revocation applies to the
user's very next request on every worker and host, with no cache to invalidate.
"""

from __future__ import annotations

from uuid import UUID

from models.accounts import RoleBinding, User
from policies.enforcer import Authorizer, Grant, load_matrix
from policies.vocabulary import Role


async def load_authorizer(user_id: UUID, token_version: int) -> tuple[User, Authorizer] | None:
    """None when the user is gone, disabled, or the token was revoked (logout, reset)."""
    user = await User.get_or_none(id=user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        return None
    rows = await RoleBinding.filter(user_id=user_id, revoked_at=None).values(
        "role", "city_id", "organisation_id"
    )
    grants = tuple(
        Grant(role=Role(r["role"]), city_id=r["city_id"], organisation_id=r["organisation_id"])
        for r in rows
    )
    return user, Authorizer(user_id=user_id, grants=grants, matrix=load_matrix())


def describe_grant(grant: Grant) -> str:
    """The tenant of a grant as written in the audit log."""
    if grant.city_id is not None:
        return f"city:{grant.city_id}"
    if grant.organisation_id is not None:
        return f"organisation:{grant.organisation_id}"
    return "province"
