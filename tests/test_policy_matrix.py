"""The role matrix, generated from policy.csv: the fast path agrees with Casbin everywhere."""

from __future__ import annotations

import itertools
import uuid

import pytest

from policies.enforcer import Access, Grant, decide, load_matrix
from policies.vocabulary import Action, Resource, Role, Scope

MATRIX = load_matrix()
CITY, OTHER_CITY = uuid.uuid4(), uuid.uuid4()
ORG = uuid.uuid4()
# Every kind of tenant a binding can carry.
TENANTS = [(None, None), (CITY, None), (None, ORG), (OTHER_CITY, None)]


def _expected(scope: Scope | None, city: uuid.UUID | None, org: uuid.UUID | None) -> Access:
    if scope is None:
        return Access()
    return {
        Scope.ALL: Access(everywhere=True),
        Scope.OWN_CITY: Access(cities=frozenset({city})) if city else Access(),
        Scope.MEMBER_ORG: Access(organisations=frozenset({org})) if org else Access(),
        Scope.LEAD_ORG: Access(lead_organisations=frozenset({org})) if org else Access(),
        Scope.ASSIGNED: Access(assigned=True),
        Scope.SELF: Access(own=True),
    }[scope]


@pytest.mark.parametrize(
    ("role", "resource", "action"), list(itertools.product(Role, Resource, Action))
)
def test_r_acc_fast_path_agrees_with_casbin_for_every_role_resource_action_tenant(
    role: Role, resource: Resource, action: Action
) -> None:
    # given the Casbin enforcer's own verdict for this cell of the matrix
    allowed, explain = MATRIX.enforcer.enforce_ex(str(role), str(resource), str(action))
    casbin_scope = Scope(explain[3]) if allowed else None
    # then the fast path names the same scope
    assert MATRIX.scope_for(role, resource, action) == casbin_scope
    assert MATRIX.enforcer.enforce(str(role), str(resource), str(action)) is allowed
    # and, for every tenant the binding may carry, the decision is exactly that scope's reach
    for city, org in TENANTS:
        access = decide(MATRIX, (Grant(role, city, org),), resource, action)
        assert access == _expected(casbin_scope, city, org)


def test_every_policy_line_uses_the_vocabulary() -> None:
    # given policy.csv as shipped, then every line parses into the vocabulary (Matrix checks it)
    lines = MATRIX.lines()
    assert len(lines) == len(MATRIX.enforcer.get_policy())
    assert all(isinstance(scope, Scope) for scope in lines.values())


def test_r_acc_1_provincial_roles_read_everything_they_are_given() -> None:
    for resource in (Resource.CENTRE, Resource.ORGANISATION):
        for role in (Role.PROVINCIAL_ADMIN, Role.PROVINCIAL_STAFF):
            assert MATRIX.scope_for(role, resource, Action.READ) is Scope.ALL


def test_r_acc_2_bureau_is_bounded_by_its_city_and_r_acc_3_enterprise_by_its_alliance() -> None:
    assert MATRIX.scope_for(Role.MUNICIPAL_BUREAU, Resource.CENTRE, Action.READ) is Scope.OWN_CITY
    assert MATRIX.scope_for(Role.ENTERPRISE, Resource.CENTRE, Action.READ) is Scope.MEMBER_ORG


def test_several_bindings_union_their_reach_and_province_wide_subsumes() -> None:
    grants = (Grant(Role.MUNICIPAL_BUREAU, CITY), Grant(Role.MUNICIPAL_BUREAU, OTHER_CITY))
    assert decide(MATRIX, grants, Resource.CENTRE, Action.READ).cities == {CITY, OTHER_CITY}
    grants = (*grants, Grant(Role.PROVINCIAL_STAFF))
    assert decide(MATRIX, grants, Resource.CENTRE, Action.READ) == Access(everywhere=True)


def test_decisions_are_memoised_per_request() -> None:
    from policies.enforcer import Authorizer

    authz = Authorizer(user_id=uuid.uuid4(), grants=(Grant(Role.PROVINCIAL_ADMIN),), matrix=MATRIX)
    first = authz.access(Resource.CENTRE, Action.READ)
    assert authz.access(Resource.CENTRE, Action.READ) is first
