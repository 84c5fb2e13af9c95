"""Scopes of accounts and the audit log: users, role bindings, audit entries, the caller's own."""

from __future__ import annotations

from uuid import UUID

from tortoise.queryset import QuerySet

from models.accounts import RoleBinding, User
from models.audit import AuditEntry
from models.reference import Organisation
from policies.enforcer import Authorizer
from policies.scopes.base import nothing
from policies.vocabulary import Action, Resource


def visible_users(authz: Authorizer, action: Action = Action.READ) -> QuerySet[User]:
    access = authz.access(Resource.USER, action)
    if access.everywhere:
        return User.all()
    if access.own:
        return User.filter(id=authz.user_id)
    return User.filter(nothing())


def visible_role_bindings(authz: Authorizer) -> QuerySet[RoleBinding]:
    access = authz.access(Resource.ROLE_BINDING, Action.READ)
    if access.everywhere:
        return RoleBinding.all()
    return RoleBinding.filter(nothing())


def visible_audit_entries(authz: Authorizer) -> QuerySet[AuditEntry]:
    access = authz.access(Resource.AUDIT_LOG, Action.READ)
    if access.everywhere:
        return AuditEntry.all()
    return AuditEntry.filter(nothing())


def own_account(authz: Authorizer) -> QuerySet[User]:
    """The caller's own user row (``me``, password change): always self, never anyone else."""
    return User.filter(id=authz.user_id)


def own_role_bindings(authz: Authorizer) -> QuerySet[RoleBinding]:
    return RoleBinding.filter(user_id=authz.user_id, revoked_at=None)


def own_organisation(authz: Authorizer, organisation_id: UUID) -> QuerySet[Organisation]:
    """The caller's own organisation (shown by ``me``)."""
    return Organisation.filter(id=organisation_id, users__id=authz.user_id)
