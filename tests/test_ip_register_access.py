"""Who reads and changes the IP register (R-ACC-5, R-IP-1), its filters, and its scale: a constant
number of statements whatever the number of assets, and 5,000 assets paged smoothly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from api.statements import StatementCounter
from models.accounts import RoleName
from models.audit import AuditEntry
from models.ip_register import IpAsset, IpKind, IpShare, IpShareSet, LegalStatus
from models.reviews import Review, ReviewAssignment
from tests.helpers import error_codes, gid
from tests.test_ip_register import ASSET, SHARES, TRANSFER, UPDATE, Register, register

__all__ = ["register"]  # the fixture, shared with tests/test_ip_register.py

LIST = """query($f: IpAssetFilter) { ipAssets(first: 50, filter: $f) {
  totalCount edges { node { id } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
NESTED = """{ ipAssets(first: 50) { totalCount edges { node { id title number legalStatus
  centre { name }
  currentOwners { organisation { name } share }
  shareHistory { number owners { share } }
  transfers { amount revenueShares { organisation { name } amount } } } } } }"""
PAGE = """query($c: ID!, $after: String) { ipAssets(first: 100, after: $after,
  filter: {centreId: $c}) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { id title currentOwners { organisation { name } share } } } } }"""


async def _expert(register: Register, assigned: bool) -> str:
    expert = await register.world.user(RoleName.EXPERT)
    if assigned:
        review = await Review.create(centre_id=register.centre.id, subject_id=register.centre.id)
        await ReviewAssignment.create(
            review_id=review.id, centre_id=register.centre.id, expert_id=expert.id
        )
    return register.world.token(expert)


async def test_r_acc_5_the_register_is_read_in_scope_and_absent_outside(
    register: Register,
) -> None:
    # given an asset of the centre (Nanning) with a licence
    asset = await register.asset((register.lead, "60"), (register.b, "40"))
    await register.ok(
        "lead", TRANSFER, id=asset, kind="EXCLUSIVE_LICENCE", amount="10.00", on="2026-06-01"
    )
    world = register.world
    register.tokens |= {
        "bureau": world.token(await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")),
        "other_bureau": world.token(
            await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200")
        ),
        "assigned_expert": await _expert(register, assigned=True),
        "unassigned_expert": await _expert(register, assigned=False),
    }
    # when each role reads the register, the asset and the node
    for who in ("lead", "b", "bystander", "bureau", "staff", "assigned_expert"):
        listed = await register.ok(who, LIST)
        # then those in scope see it, its transfer and its revenue
        assert listed["ipAssets"]["totalCount"] == 1, who
        assert listed["ipAssets"]["edges"][0]["node"]["id"] == asset
        read = await register.ok(who, ASSET, id=asset)
        assert read["ipAsset"]["transfers"][0]["amount"] == "10.00", who
        assert (await register.ok(who, NODE, id=asset))["node"]["id"] == asset
    for who in ("outsider", "other_bureau", "unassigned_expert"):
        # and those outside learn nothing: no row, no count, NOT_FOUND for the id and the node
        listed = await register.ok(who, LIST)
        assert listed["ipAssets"] == {"totalCount": 0, "edges": []}, who
        assert error_codes(await register.run(who, ASSET, id=asset)) == ["NOT_FOUND"], who
        node = await register.run(who, NODE, id=asset)
        assert node["data"]["node"] is None
        assert error_codes(node) == ["NOT_FOUND"], who
        filtered = await register.ok(who, LIST, f={"centreId": gid(register.centre)})
        assert filtered["ipAssets"]["totalCount"] == 0, who


async def test_r_acc_5_an_outsider_cannot_change_an_asset_nor_learn_it_exists(
    register: Register,
) -> None:
    # given an asset, and an enterprise of another centre
    asset = await register.asset((register.lead, "100"))
    owners = register.owners((register.outsider, "100"))
    missing = asset[:-4] + "0000"
    for target in (asset, missing):
        # when it edits it, changes its shares, records a transfer
        answers = [
            await register.run("outsider", UPDATE, id=target, v=0, changes={"title": "x"}),
            await register.run("outsider", SHARES, id=target, owners=owners, on="2026-06-01"),
            await register.run(
                "outsider", TRANSFER, id=target, kind="ASSIGNMENT", amount="1.00", on="2026-06-01"
            ),
        ]
        # then each reads NOT_FOUND, exactly as for an id that does not exist
        assert [error_codes(a) for a in answers] == [["NOT_FOUND"]] * 3, target
    # and recording into its centre is NOT_FOUND too
    body = await register.run(
        "outsider",
        "mutation($input: IpAssetInput!) { recordIpAsset(input: $input) { id } }",
        input=register.asset_input(owners),
    )
    assert error_codes(body) == ["NOT_FOUND"]
    assert (await IpAsset.get()).title == "一种电液控制阀"


async def test_r_acc_5_a_member_that_co_owns_nothing_reads_but_may_not_edit(
    register: Register,
) -> None:
    # given an asset of b and c, read by a member that neither co-owns it nor leads the centre
    asset = await register.asset((register.lead, "50"), (register.b, "50"))
    owners = register.owners((register.lead, "50"), (register.bystander, "50"))
    assert (await register.ok("bystander", ASSET, id=asset))["ipAsset"]["version"] == 0
    # when it edits, changes the shares or records a transfer
    answers = [
        await register.run("bystander", UPDATE, id=asset, v=0, changes={"title": "x"}),
        await register.run("bystander", SHARES, id=asset, owners=owners, on="2026-06-01"),
        await register.run(
            "bystander", TRANSFER, id=asset, kind="ASSIGNMENT", amount="1.00", on="2026-06-01"
        ),
        await register.run("staff", UPDATE, id=asset, v=0, changes={"title": "x"}),
    ]
    # then each is FORBIDDEN, and each refusal is audited
    assert [error_codes(a) for a in answers] == [["FORBIDDEN"]] * 4
    denied = await AuditEntry.filter(outcome="denied", action__startswith="ip_asset.")
    assert {e.action for e in denied} >= {
        "ip_asset.update",
        "ip_asset.change_shares",
        "ip_asset.transfer",
    }


async def test_r_ip_1_the_register_filters_by_kind_status_owner_and_filing_year(
    register: Register,
) -> None:
    # given a patent of the lead and b filed in 2025, and a technical secret of c filed in 2024
    await register.asset((register.lead, "50"), (register.b, "50"))
    secret = {
        **register.asset_input(
            register.owners((register.c, "100")), kind="TECHNICAL_SECRET", filed_on="2024-05-01"
        ),
        "legalStatus": "GRANTED",
        "grantedOn": "2024-09-01",
    }
    await register.ok(
        "c", "mutation($input: IpAssetInput!) { recordIpAsset(input: $input) { id } }", input=secret
    )

    async def count(**flt: Any) -> int:
        return int((await register.ok("staff", LIST, f=flt))["ipAssets"]["totalCount"])

    # then each filter narrows the register
    assert await count() == 2
    assert await count(kind="TECHNICAL_SECRET") == 1
    assert await count(legalStatus="PENDING") == 1
    assert await count(ownerId=gid(register.b)) == 1
    assert await count(ownerId=gid(register.lead), kind="TECHNICAL_SECRET") == 0
    assert await count(year=2024) == 1
    assert await count(year=2023) == 0
    assert error_codes(await register.run("staff", LIST, f={"year": 1800})) == ["BAD_USER_INPUT"]


async def _nested_count(register: Register, counter: StatementCounter, expected: int) -> int:
    counter.statements.clear()
    data = await register.ok("staff", NESTED)
    assert data["ipAssets"]["totalCount"] == expected
    for edge in data["ipAssets"]["edges"]:
        node = edge["node"]
        assert len(node["currentOwners"]) == 3
        assert len(node["transfers"][0]["revenueShares"]) == 3
    return len(counter.statements)


async def _assets_with_transfers(register: Register, count: int) -> None:
    for _ in range(count):
        asset = await register.asset(
            (register.lead, "33.33"), (register.b, "33.33"), (register.c, "33.34")
        )
        await register.ok(
            "lead", TRANSFER, id=asset, kind="EXCLUSIVE_LICENCE", amount="100.01", on="2026-06-01"
        )


async def test_r_ip_3_the_register_reads_in_a_constant_number_of_statements(
    register: Register, sql_counter: StatementCounter
) -> None:
    # given 3 assets with three owners and a licence each
    await _assets_with_transfers(register, 3)
    few = await _nested_count(register, sql_counter, 3)
    # when 12 more are added
    await _assets_with_transfers(register, 12)
    many = await _nested_count(register, sql_counter, 15)
    # then reading 15 takes exactly as many statements as reading 3
    assert few == many, sql_counter.statements


async def test_r_ip_1_a_centre_with_5000_assets_pages_smoothly(
    register: Register, sql_counter: StatementCounter
) -> None:
    # given 5,000 assets of one centre, each held by the lead and b
    user = await register.world.user(None)
    assets = [
        IpAsset(
            centre_id=register.centre.id,
            kind=IpKind.TECHNICAL_SECRET,
            title=f"技术秘密{i:04d}",
            filed_on=date(2025, 1, 1),
            legal_status=LegalStatus.PENDING,
            recorded_by_id=user.id,
        )
        for i in range(5000)
    ]
    await IpAsset.bulk_create(assets, batch_size=500)
    sets = [
        IpShareSet(asset_id=a.id, number=1, effective_on=date(2025, 1, 1), recorded_by_id=user.id)
        for a in assets
    ]
    await IpShareSet.bulk_create(sets, batch_size=500)
    await IpShare.bulk_create(
        [
            IpShare(share_set_id=s.id, organisation_id=org.id, share=Decimal(50))
            for s in sets
            for org in (register.lead, register.b)
        ],
        batch_size=500,
    )
    # when the lead pages through them 100 at a time
    seen: list[str] = []
    counts: set[int] = set()
    after: str | None = None
    while True:
        sql_counter.statements.clear()
        data = await register.ok("lead", PAGE, c=gid(register.centre), after=after)
        counts.add(len(sql_counter.statements))
        page = data["ipAssets"]
        assert page["totalCount"] == 5000
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        assert all(len(edge["node"]["currentOwners"]) == 2 for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then every asset is seen once, in 50 pages of the same number of statements each
    assert len(seen) == len(set(seen)) == 5000
    assert {gid(a) for a in assets} == set(seen)
    assert len(counts) == 1, counts
