"""Hand-written baseline: the same answer as the GraphQL list, by raw SQL and dicts.

It does what a careful programmer would write by hand for one screen: one query for the page
with its joins, one for the members with their organisations. No authorization, no GraphQL.
"""

from __future__ import annotations

from typing import Any

from tortoise import connections

PAGE = """
SELECT c.id, c.name, c.status, ci.code AS city_code, i.code AS industry_code, o.name AS lead_name
FROM centre c
JOIN city ci ON ci.id = c.city_id
JOIN industry i ON i.id = c.industry_id
JOIN organisation o ON o.id = c.lead_organisation_id
{where}
ORDER BY c.name, c.id LIMIT 100
"""
MEMBERS = """
SELECT m.centre_id, m.member_role, o.name, o.kind
FROM alliance_member m JOIN organisation o ON o.id = m.organisation_id
WHERE m.centre_id IN ({marks}) ORDER BY m.joined_on, m.id
"""


async def list_centres(city_id: str | None) -> dict[str, Any]:
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
    where, params = ("WHERE c.city_id = " + mark(1), [city_id]) if city_id else ("", [])
    rows = await conn.execute_query_dict(PAGE.format(where=where), params)
    count_sql = "SELECT COUNT(*) AS n FROM centre c " + where
    total = (await conn.execute_query_dict(count_sql, params))[0]["n"]
    ids = [r["id"] for r in rows]
    members: dict[Any, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        marks = ", ".join(mark(n + 1) for n in range(len(ids)))
        for m in await conn.execute_query_dict(MEMBERS.format(marks=marks), ids):
            members[m["centre_id"]].append(
                {
                    "memberRole": m["member_role"],
                    "organisation": {"name": m["name"], "kind": m["kind"]},
                }
            )
    return {
        "totalCount": total,
        "edges": [
            {
                "node": {
                    "id": str(r["id"]),
                    "name": r["name"],
                    "status": r["status"],
                    "city": {"code": r["city_code"]},
                    "industry": {"code": r["industry_code"]},
                    "leadOrganisation": {"name": r["lead_name"]},
                    "members": members[r["id"]],
                }
            }
            for r in rows
        ],
    }
