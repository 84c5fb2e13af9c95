"""Decisions: Casbin holds the matrix; a per-request Authorizer answers once per (resource, action).

``enforce()`` evaluates the matcher against every policy line, so it is never called per row: at
load time the matrix is read into a dict (the fast path) and a test proves the two agree on every
role x resource x action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from uuid import UUID

import casbin

from policies.vocabulary import Action, Resource, Role, Scope


class Forbidden(Exception):
    """The caller's roles do not allow this action."""

    def __init__(self, resource: Resource, action: Action) -> None:
        super().__init__(f"not allowed to {action} {resource}")
        self.resource, self.action = resource, action


@dataclass(frozen=True, slots=True)
class Grant:
    """One active role binding: a role in a tenant (a city, an organisation, or the province)."""

    role: Role
    city_id: UUID | None = None
    organisation_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Access:
    """Where an allowed (resource, action) reaches. All empty = not allowed."""

    everywhere: bool = False
    cities: frozenset[UUID] = frozenset()
    organisations: frozenset[UUID] = frozenset()
    lead_organisations: frozenset[UUID] = frozenset()
    assigned: bool = False
    own: bool = False

    @property
    def allowed(self) -> bool:
        return bool(
            self.everywhere
            or self.cities
            or self.organisations
            or self.lead_organisations
            or self.assigned
            or self.own
        )


NO_ACCESS = Access()


def _policy_files() -> tuple[Path, Path]:
    root = resources.files("policies")
    return Path(str(root.joinpath("model.conf"))), Path(str(root.joinpath("policy.csv")))


class Matrix:
    """The role x resource x action -> scope matrix, read once per process from policy.csv."""

    def __init__(self, model_path: Path, policy_path: Path) -> None:
        self.enforcer = casbin.Enforcer(str(model_path), str(policy_path))
        self._scopes: dict[tuple[Role, Resource, Action], Scope] = {}
        for line in self.enforcer.get_policy():
            if len(line) != 4:
                raise ValueError(f"policy line must be role, resource, action, scope: {line}")
            role, res, act, scope = (
                Role(line[0]),
                Resource(line[1]),
                Action(line[2]),
                Scope(line[3]),
            )
            if (role, res, act) in self._scopes:
                raise ValueError(f"duplicate policy line for {role}, {res}, {act}")
            self._scopes[(role, res, act)] = scope

    def scope_for(self, role: Role, resource: Resource, action: Action) -> Scope | None:
        return self._scopes.get((role, resource, action))

    def lines(self) -> dict[tuple[Role, Resource, Action], Scope]:
        return dict(self._scopes)


@lru_cache(maxsize=1)
def load_matrix() -> Matrix:
    return Matrix(*_policy_files())


def decide(matrix: Matrix, grants: tuple[Grant, ...], resource: Resource, action: Action) -> Access:
    """Union of what each of the caller's bindings allows for (resource, action)."""
    everywhere = assigned = own = False
    cities: set[UUID] = set()
    organisations: set[UUID] = set()
    leads: set[UUID] = set()
    for grant in grants:
        scope = matrix.scope_for(grant.role, resource, action)
        if scope is Scope.ALL:
            everywhere = True
        elif scope is Scope.OWN_CITY and grant.city_id is not None:
            cities.add(grant.city_id)
        elif scope is Scope.MEMBER_ORG and grant.organisation_id is not None:
            organisations.add(grant.organisation_id)
        elif scope is Scope.LEAD_ORG and grant.organisation_id is not None:
            leads.add(grant.organisation_id)
        elif scope is Scope.ASSIGNED:
            assigned = True
        elif scope is Scope.SELF:
            own = True
    if everywhere:  # the province-wide grant subsumes the others
        return Access(everywhere=True)
    return Access(
        cities=frozenset(cities),
        organisations=frozenset(organisations),
        lead_organisations=frozenset(leads),
        assigned=assigned,
        own=own,
    )


@dataclass(slots=True)
class Authorizer:
    """The caller's authorization for one request; decisions memoised per (resource, action)."""

    user_id: UUID
    grants: tuple[Grant, ...]
    matrix: Matrix = field(default_factory=load_matrix)
    _memo: dict[tuple[Resource, Action], Access] = field(default_factory=dict)

    def access(self, resource: Resource, action: Action) -> Access:
        key = (resource, action)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = decide(self.matrix, self.grants, resource, action)
        return found

    def require(self, resource: Resource, action: Action) -> Access:
        access = self.access(resource, action)
        if not access.allowed:
            raise Forbidden(resource, action)
        return access

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)
