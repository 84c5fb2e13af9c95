"""The benchmark's operations: mic's GraphQL documents, the baseline's routes, the peer's query.

Each operation is one HTTP POST per request. The mutation's body carries ``__ID__`` and
``__VERSION__`` placeholders that the load generator fills per connection (bench/wrk.lua).
"""

from __future__ import annotations

from dataclasses import dataclass

NODE = """id name status city { code nameZh } industry { code nameZh }
 leadOrganisation { name } members { memberRole organisation { name } }"""
LIST = "{ centres(first: 100) { edges { node { " + NODE + " } } } }"
ONE = """query One($id: ID!) { centre(id: $id) { id name status
 members { memberRole organisation { name } } review { id status }
 statusHistory { fromStatus toStatus role comment at } } }"""
UPDATE = """mutation Edit($id: ID!, $version: Int!) { updateApplication(id: $id,
 version: $version, input: {name: "基准更新", industry: "__INDUSTRY__", direction: "方向",
 operatingCompany: "基准运营公司"}) { id version } }"""
# PostGraphile 5's own schema (amber preset): the nearest equivalent of LIST. ``id`` is its
# global node id (the column is ``rowId``); ordering by name and joined_on is allowed by smart
# tags in bench/peer/server.cjs (unindexed columns are not orderable by default).
PEER_LIST = """{ allCentres(first: 100, orderBy: [NAME_ASC, ROW_ID_ASC]) { nodes { id name status
 cityByCityId { code nameZh } industryByIndustryId { code nameZh }
 organisationByLeadOrganisationId { name }
 allianceMembersByCentreId(orderBy: [JOINED_ON_ASC, ROW_ID_ASC]) { nodes { memberRole
 organisationByOrganisationId { name } } } } } }"""


@dataclass(frozen=True)
class Op:
    """One operation: who calls it, and what each server is sent (path, JSON body)."""

    name: str
    user: str  # a key of dataset.Built.users
    mic_body: str
    baseline_path: str
    baseline_body: str
    peer_body: str | None = None
    mutation: bool = False


def graphql_body(query: str, variables: str = "{}") -> str:
    import json

    return (
        '{"query": ' + json.dumps(query, ensure_ascii=False) + ', "variables": ' + variables + "}"
    )


def operations(mic_q2_id: str, base_q2_id: str, industry: str) -> list[Op]:
    """Q0, Q1, Q4, Q2 and the mutation M; Q2 ids come from each server's Q4 answer."""
    update = UPDATE.replace("__INDUSTRY__", industry)
    mutation_vars = '{"id": "__ID__", "version": __VERSION__}'
    return [
        Op(
            "Q0",
            "bureau",
            graphql_body("{ __typename }"),
            "/q0",
            "{}",
            graphql_body("{ __typename }"),
        ),
        Op("Q1", "bureau", graphql_body(LIST), "/centres", "{}", graphql_body(PEER_LIST)),
        Op("Q4", "admin", graphql_body(LIST), "/centres", "{}", graphql_body(PEER_LIST)),
        Op(
            "Q2",
            "admin",
            graphql_body(ONE, '{"id": "' + mic_q2_id + '"}'),
            "/centre",
            '{"id": "' + base_q2_id + '"}',
        ),
        Op(
            "M",
            "enterprise",
            graphql_body(update, mutation_vars),
            "/update",
            mutation_vars,
            mutation=True,
        ),
    ]
