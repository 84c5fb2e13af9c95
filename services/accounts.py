"""Accounts and role bindings: users, passwords set by an administrator, disabling, granting and
revoking roles; and the first provincial administrator (`mic create-admin`).

Every change is audited with the rows' own snapshots (``User.SNAPSHOT``, ``RoleBinding.SNAPSHOT``;
R-ACC-6); password hashes never enter the log. Disabling, resetting a password and signing out
end every token the user holds (``sessions.bump_tokens``). A grant or a revocation applies to the
user's very next request.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEvent, Outcome, append
from models.base import utcnow
from models.reference import City, Organisation
from policies import scopes
from policies.vocabulary import Action, Resource
from services.access import find
from services.actor import Actor
from services.changes import changing, creating
from services.errors import BadInput, Conflict
from services.ids import parse_id
from services.passwords import hash_password_async
from services.sessions import Security, bump_tokens, check_password
from services.text import USERNAME, trimmed, username_form, visible_length

ACTOR = "mic-cli"  # the audit log's actor for accounts the operator creates from the shell


class NewUser(Protocol):
    """A new account: its sign-in name, the name shown, a first password, an organisation."""

    @property
    def username(self) -> str: ...

    @property
    def display_name(self) -> str: ...

    @property
    def password(self) -> str: ...

    @property
    def organisation_id(self) -> str | None: ...


async def _managed_user(actor: Actor, user_id: object, action: Action) -> User:
    authz = await actor.require(Resource.USER, action)
    return await find(scopes.visible_users(authz, action), user_id, "user")


async def create_user(actor: Actor, security: Security, terms: NewUser) -> User:
    """Create an account (audited ``user.create``, after = the user's snapshot).

    The username is stored in one form (``username_form``: NFKC, format characters removed,
    case-folded) and must be 1 to 64 ASCII letters, digits, '-', '_' or '.'. Raises
    NotAllowed (no role may create users), BadInput (username, displayName, password policy),
    NotFound (organisation), Conflict (the username is taken)."""
    await actor.require(Resource.USER, Action.CREATE)
    username = username_form(terms.username)
    if not USERNAME.fullmatch(username):
        raise BadInput("username: 1 to 64 letters, digits, '-', '_' or '.'", field="username")
    display_name = trimmed(terms.display_name)
    if not visible_length(display_name) or len(display_name) > 128:
        raise BadInput("displayName must have 1 to 128 characters", field="displayName")
    check_password(security, terms.password, username)
    organisation_id = None
    if terms.organisation_id:
        org = await find(Organisation.all(), terms.organisation_id, "organisation")
        organisation_id = org.id
    if await User.filter(username=username).exists():
        raise Conflict("this username is taken")
    password_hash = await security.hash_password(terms.password)
    try:
        async with creating(actor, resource=Resource.USER, action=Action.CREATE) as creation:
            row = await User.create(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                organisation_id=organisation_id,
                password_changed_at=utcnow(),
                using_db=creation.conn,
            )
            creation.row = row
    except IntegrityError:
        raise Conflict("this username is taken") from None
    return row


async def reset_password(
    actor: Actor, security: Security, user_id: object, new_password: str
) -> User:
    """Set a new password for a user; every token they hold ends (audited
    ``user.reset_password``). Raises NotAllowed, NotFound (user), BadInput (password policy)."""
    user = await _managed_user(actor, user_id, Action.RESET_PASSWORD)
    check_password(security, new_password, user.username)
    new_hash = await security.hash_password(new_password)
    authz = await actor.authz()
    async with changing(
        actor,
        scopes.visible_users(authz, Action.RESET_PASSWORD),
        user.id,
        what="user",
        resource=Resource.USER,
        action=Action.RESET_PASSWORD,
    ) as change:
        await bump_tokens(
            change.row, change.conn, password_hash=new_hash, password_changed_at=utcnow()
        )
    return change.row


async def set_user_active(actor: Actor, user_id: object, active: bool) -> User:
    """Disable or re-enable an account; either ends every token the user holds (audited
    ``user.disable`` / ``user.enable``). Raises NotAllowed, NotFound (user), BadInput (disabling
    one's own account)."""
    authz = await actor.require(Resource.USER, Action.DISABLE)
    async with changing(
        actor,
        scopes.visible_users(authz, Action.DISABLE),
        parse_id(user_id, "user"),
        what="user",
        resource=Resource.USER,
        action=Action.DISABLE,
        name="user.enable" if active else "user.disable",
    ) as change:
        if change.row.id == actor.user_id and not active:
            raise BadInput("you cannot disable your own account")
        await bump_tokens(change.row, change.conn, is_active=active)
    return change.row


async def _binding_tenant(
    role: RoleName, city_code: str | None, organisation_id: str | None
) -> tuple[UUID | None, UUID | None]:
    if role is RoleName.MUNICIPAL_BUREAU:
        if not city_code or organisation_id:
            raise BadInput("a municipal_bureau role needs a cityCode and no organisationId")
        city = await City.get_or_none(code=city_code)
        if city is None:
            raise BadInput(f"unknown city code {city_code}", field="cityCode")
        return city.id, None
    if role is RoleName.ENTERPRISE:
        if not organisation_id or city_code:
            raise BadInput("an enterprise role needs an organisationId and no cityCode")
        org = await find(Organisation.all(), organisation_id, "organisation")
        return None, org.id
    if city_code or organisation_id:
        raise BadInput(f"a {role} role is province-wide: give no cityCode or organisationId")
    return None, None


async def grant_role(
    actor: Actor,
    user_id: object,
    role: RoleName,
    *,
    city_code: str | None = None,
    organisation_id: str | None = None,
) -> RoleBinding:
    """Give a user ``role`` in a tenant: a city (municipal_bureau, by ``city_code``), an
    organisation (enterprise), or the province (the other roles). Audited ``role_binding.grant``.

    Raises NotAllowed, NotFound (user, organisation), BadInput (the tenant does not fit the role,
    unknown city code), Conflict (the user already holds this role in this tenant)."""
    authz = await actor.require(Resource.ROLE_BINDING, Action.GRANT)
    user = await find(scopes.visible_users(authz), user_id, "user")
    city_id, org_id = await _binding_tenant(role, city_code, organisation_id)
    async with creating(actor, resource=Resource.ROLE_BINDING, action=Action.GRANT) as creation:
        held = RoleBinding.filter(
            user_id=user.id, role=role, city_id=city_id, organisation_id=org_id, revoked_at=None
        )
        if await held.using_db(creation.conn).exists():
            raise Conflict("the user already holds this role in this tenant")
        row = await RoleBinding.create(
            user_id=user.id,
            role=role,
            city_id=city_id,
            organisation_id=org_id,
            granted_by_id=actor.user_id,
            using_db=creation.conn,
        )
        creation.row = row
    return row


async def revoke_role(actor: Actor, binding_id: object) -> RoleBinding:
    """End a role binding at once; the row stays with its ``revoked_at`` (audited
    ``role_binding.revoke``). Raises NotAllowed, NotFound (binding), Conflict (already revoked)."""
    authz = await actor.require(Resource.ROLE_BINDING, Action.REVOKE)
    async with changing(
        actor,
        scopes.visible_role_bindings(authz),
        parse_id(binding_id, "role binding"),
        what="role binding",
        resource=Resource.ROLE_BINDING,
        action=Action.REVOKE,
    ) as change:
        row = change.row
        if row.revoked_at is not None:
            raise Conflict("this role binding is already revoked")
        row.revoked_at = utcnow()
        await row.save(update_fields=["revoked_at"], using_db=change.conn)
    return row


async def ensure_admin(username: str, display_name: str, password: str) -> bool:
    """Create a provincial administrator unless the username exists (then change nothing).

    ``username`` is stored as given (the CLI lowercases it); ``password`` is hashed here and is
    not checked against the policy (the CLI does that first). One transaction makes the user, its
    one ``provincial_admin`` binding (no city, no organisation) and a ``user.create`` audit entry
    by ``mic-cli`` (after = the user's snapshot and the role).

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
            await append(
                AuditEvent(
                    action="user.create",
                    outcome=Outcome.SUCCESS,
                    actor=ACTOR,
                    object_type="user",
                    object_id=str(user.id),
                    after={**user.snapshot(), "role": str(RoleName.PROVINCIAL_ADMIN)},
                ),
                conn,
            )
    except IntegrityError:
        return False  # created meanwhile by a concurrent run: theirs stands
    return True
