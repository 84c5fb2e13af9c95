"""Account operations the operator runs: the first provincial administrator (`mic create-admin`)."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEvent, Outcome, append
from models.base import utcnow
from services.passwords import hash_password_async

ACTOR = "mic-cli"  # the audit log's actor for accounts the operator creates from the shell


async def ensure_admin(username: str, display_name: str, password: str) -> bool:
    """Create a provincial administrator unless the username exists (then change nothing).

    ``username`` is stored as given (the CLI lowercases it); ``password`` is hashed here and is
    not checked against the policy (the CLI does that first). One transaction makes the user, its
    one ``provincial_admin`` binding (no city, no organisation) and a ``user.create`` audit entry
    by ``mic-cli``.

    Returns True if the administrator was created, False if the username was taken, also when a
    concurrent run created it between the check and the insert (theirs stands). Other database
    errors propagate and nothing is written.
    """
    if await User.filter(username=username).exists():
        return False
    password_hash = await hash_password_async(password)
    try:
        async with in_transaction() as conn:
            user = await User.create(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                password_changed_at=utcnow(),
                using_db=conn,
            )
            await RoleBinding.create(user_id=user.id, role=RoleName.PROVINCIAL_ADMIN, using_db=conn)
            after: dict[str, Any] = {
                "username": user.username,
                "display_name": user.display_name,
                "organisation_id": None,
                "is_active": user.is_active,
                "token_version": user.token_version,
                "role": str(RoleName.PROVINCIAL_ADMIN),
            }
            await append(
                AuditEvent(
                    action="user.create",
                    outcome=Outcome.SUCCESS,
                    actor=ACTOR,
                    object_type="user",
                    object_id=str(user.id),
                    after=after,
                ),
                conn,
            )
    except IntegrityError:
        return False  # created meanwhile by a concurrent run: theirs stands
    return True
