"""The IP-sharing register (R-IP-1…4): recording assets and shares, editing, versioned shares,
transfers with revenue split exactly. Scopes and scale: tests/test_ip_register_access.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from models.accounts import RoleName, User
from models.audit import AuditEntry
from models.centres import AllianceMember, Centre
from models.ip_register import (
    IpAsset,
    IpRevenueShare,
    IpShareSet,
    patent_check_digit,
    split_revenue_fen,
)
from models.reference import Organisation
from tests.helpers import Api, World, error_codes, gid, pk

RECORD = """mutation($input: IpAssetInput!) { recordIpAsset(input: $input) {
  id number version legalStatus
  currentOwners { organisation { id name } share } } }"""
UPDATE = """mutation($id: ID!, $v: Int!, $changes: IpAssetChanges!) {
  updateIpAsset(id: $id, version: $v, changes: $changes) { title version legalStatus grantedOn } }"""
SHARES = """mutation($id: ID!, $owners: [IpOwnerInput!]!, $on: Date) {
  changeIpShares(assetId: $id, owners: $owners, effectiveOn: $on) {
    currentOwners { organisation { id } share }
    shareHistory { number effectiveOn owners { organisation { id } share } } } }"""
TRANSFER = """mutation($id: ID!, $kind: IpTransferKind!, $amount: Decimal!, $on: Date!) {
  recordIpTransfer(assetId: $id, kind: $kind, counterparty: "某某科技有限公司", amount: $amount,
    transferredOn: $on, contractReference: "HT-2026-001") {
    id amount year revenueShares { organisation { id } amount } } }"""
ASSET = """query($id: ID!) { ipAsset(id: $id) { legalStatus version
  currentOwners { organisation { id } share }
  shareHistory { number effectiveOn owners { organisation { id } share } }
  transfers { transferredOn amount revenueShares { organisation { id } amount } } } }"""


def patent(serial: int, kind_digit: str = "1", year: int = 2023) -> str:
    """A CNIPA application number with its right check digit."""
    digits = f"{year}{kind_digit}{serial:07d}"
    return f"{digits}.{patent_check_digit(digits)}"


@dataclass
class Register:
    api: Api
    world: World
    centre: Centre
    lead: Organisation
    b: Organisation
    c: Organisation
    outsider: Organisation
    bystander: Organisation  # a member that co-owns nothing
    tokens: dict[str, str]

    async def run(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        return await self.api.gql(query, variables, token=self.tokens[who])

    async def ok(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        return await self.api.ok(query, variables, token=self.tokens[who])

    def owners(self, *pairs: tuple[Organisation, str]) -> list[dict[str, str]]:
        return [{"organisationId": gid(org), "share": share} for org, share in pairs]

    def asset_input(
        self,
        owners: list[dict[str, str]],
        *,
        kind: str = "INVENTION_PATENT",
        number: str | None = None,
        filed_on: str = "2025-03-01",
        effective_on: str = "2026-04-01",
    ) -> dict[str, Any]:
        return {
            "centreId": gid(self.centre),
            "kind": kind,
            "title": "一种电液控制阀",
            "number": number,
            "filedOn": filed_on,
            "effectiveOn": effective_on,
            "owners": owners,
        }

    async def asset(self, *pairs: tuple[Organisation, str], number: str | None = None) -> str:
        data = await self.ok(
            "lead", RECORD, input=self.asset_input(self.owners(*pairs), number=number or next_no())
        )
        return str(data["recordIpAsset"]["id"])


_serials = iter(range(1, 10**6))


def next_no() -> str:
    return patent(next(_serials))


async def _enterprise(world: World, org: Organisation) -> User:
    return await world.user(RoleName.ENTERPRISE, organisation=org)


@pytest.fixture
async def register(api: Api, world: World) -> Register:
    lead = await world.organisation("450100")
    b = await world.organisation("450100")
    c = await world.organisation("450200")
    bystander = await world.organisation("450100")
    outsider = await world.organisation("450100")
    centre = await world.centre(lead, members=[b, c, bystander])
    await world.centre(outsider)  # the outsider leads a centre of its own
    tokens = {
        "lead": world.token(await _enterprise(world, lead)),
        "b": world.token(await _enterprise(world, b)),
        "c": world.token(await _enterprise(world, c)),
        "bystander": world.token(await _enterprise(world, bystander)),
        "outsider": world.token(await _enterprise(world, outsider)),
        "staff": world.token(await world.user(RoleName.PROVINCIAL_STAFF)),
    }
    return Register(api, world, centre, lead, b, c, outsider, bystander, tokens)


# --- R-IP-2: shares add up to exactly 100 ---------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "total"),
    [(("50", "49.99"), "99.99"), (("50", "50.01"), "100.01"), (("33.33", "33.33"), "66.66")],
)
async def test_r_ip_2_shares_not_adding_up_to_100_are_refused_with_the_sum(
    register: Register, shares: tuple[str, str], total: str
) -> None:
    # given owners whose shares do not add up to 100
    owners = register.owners((register.lead, shares[0]), (register.b, shares[1]))
    # when the lead records the asset
    body = await register.run("lead", RECORD, input=register.asset_input(owners, number=next_no()))
    # then it is refused on the owners, the message giving the sum, and nothing is stored
    assert error_codes(body) == ["BAD_USER_INPUT"]
    error = body["errors"][0]
    assert error["extensions"]["field"] == "owners"
    assert f"add up to {total}," in error["message"]
    assert await IpAsset.all().count() == 0


async def test_r_ip_2_shares_with_five_places_or_none_or_twice_are_refused(
    register: Register,
) -> None:
    # given three more ways of getting the owners wrong
    five_places = register.owners((register.lead, "50.00001"), (register.b, "49.99999"))
    nobody: list[dict[str, str]] = []
    twice = register.owners((register.lead, "50"), (register.lead, "50"))
    for owners in (five_places, nobody, twice):
        # when each is recorded
        body = await register.run(
            "lead", RECORD, input=register.asset_input(owners, number=next_no())
        )
        # then each is refused on the owners
        assert error_codes(body) == ["BAD_USER_INPUT"], owners
        assert body["errors"][0]["extensions"]["field"] == "owners"
    assert await IpAsset.all().count() == 0


# --- R-IP-4: owners are current members ---------------------------------------------------------


async def test_r_ip_4_an_owner_outside_the_alliance_is_refused(register: Register) -> None:
    # given an organisation outside the alliance, and one that left it
    gone = await register.world.organisation("450100", name="已退出单位")
    await AllianceMember.create(
        centre_id=register.centre.id,
        organisation_id=gone.id,
        member_role="member",
        joined_on=date(2025, 1, 1),
        left_on=date(2026, 3, 1),
    )
    for stranger in (register.outsider, gone):
        owners = register.owners((register.lead, "60"), (stranger, "40"))
        # when the lead records an asset naming it an owner
        body = await register.run(
            "lead", RECORD, input=register.asset_input(owners, number=next_no())
        )
        # then it is refused, naming the organisation
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "owners"
        assert "not a current member" in body["errors"][0]["message"]
    named = await register.run(
        "lead",
        RECORD,
        input=register.asset_input(
            register.owners((register.lead, "60"), (gone, "40")), number=next_no()
        ),
    )
    assert "已退出单位" in named["errors"][0]["message"]
    assert await IpAsset.all().count() == 0


async def test_r_ip_4_a_member_records_only_what_its_organisation_co_owns(
    register: Register,
) -> None:
    # given a member recording an asset of two other members
    owners = register.owners((register.lead, "50"), (register.c, "50"))
    # when it records it
    body = await register.run("b", RECORD, input=register.asset_input(owners, number=next_no()))
    # then it is forbidden, and the refusal is audited
    assert error_codes(body) == ["FORBIDDEN"]
    assert await AuditEntry.filter(action="ip_asset.create", outcome="denied").exists()
    # and the same member recording one it co-owns succeeds, the share set numbered 1
    mine = register.owners((register.b, "70"), (register.c, "30"))
    data = await register.ok("b", RECORD, input=register.asset_input(mine, number=next_no()))
    recorded = data["recordIpAsset"]
    assert recorded["version"] == 0
    assert recorded["legalStatus"] == "PENDING"
    assert [(o["organisation"]["id"], o["share"]) for o in recorded["currentOwners"]] == [
        (gid(register.b), "70.0000"),
        (gid(register.c), "30.0000"),
    ]
    assert await IpShareSet.filter(asset_id=pk(recorded["id"])).count() == 1
    entry = await AuditEntry.get(action="ip_asset.create", outcome="success")
    assert entry.object_id == str(pk(recorded["id"]))
    assert entry.after["shares"] == {str(register.b.id): "70.0000", str(register.c.id): "30.0000"}


async def test_r_ip_4_an_owner_that_leaves_keeps_its_share_and_its_revenue(
    register: Register,
) -> None:
    # given an asset of the lead, b and c; then c leaves the alliance
    asset = await register.asset((register.lead, "50"), (register.b, "30"), (register.c, "20"))
    await AllianceMember.filter(centre_id=register.centre.id, organisation_id=register.c.id).update(
        left_on=date(2026, 5, 1)
    )
    # when a licence is recorded afterwards
    data = await register.ok(
        "lead", TRANSFER, id=asset, kind="NON_EXCLUSIVE_LICENCE", amount="1000.00", on="2026-06-01"
    )
    # then c still gets its 20 %
    parts = {
        p["organisation"]["id"]: p["amount"] for p in data["recordIpTransfer"]["revenueShares"]
    }
    assert parts == {
        gid(register.lead): "500.00",
        gid(register.b): "300.00",
        gid(register.c): "200.00",
    }
    # and it stays an owner, and may stay in a new share set, while adding a stranger is refused
    kept = register.owners((register.lead, "40"), (register.b, "40"), (register.c, "20"))
    changed = await register.ok("lead", SHARES, id=asset, owners=kept, on="2026-07-01")
    assert gid(register.c) in {
        o["organisation"]["id"] for o in changed["changeIpShares"]["currentOwners"]
    }
    stranger = register.owners((register.lead, "40"), (register.outsider, "60"))
    refused = await register.run("lead", SHARES, id=asset, owners=stranger, on="2026-07-02")
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert refused["errors"][0]["extensions"]["field"] == "owners"


# --- R-IP-3: transfers split exactly --------------------------------------------------------


async def test_r_ip_3_a_three_way_split_with_an_odd_remainder_is_exact_and_deterministic(
    register: Register,
) -> None:
    # given three owners at 33.33 / 33.33 / 33.34
    asset = await register.asset(
        (register.lead, "33.33"), (register.b, "33.33"), (register.c, "33.34")
    )
    shares = {register.lead.id: Decimal("33.33"), register.b.id: Decimal("33.33")}
    shares[register.c.id] = Decimal("33.34")
    for amount in ("0.01", "1000000.01", "0.02"):
        # when the same amount is recorded twice
        answers = []
        for on in ("2026-06-01", "2026-06-02"):
            data = await register.ok(
                "lead", TRANSFER, id=asset, kind="EXCLUSIVE_LICENCE", amount=amount, on=on
            )
            answers.append(
                {
                    p["organisation"]["id"]: p["amount"]
                    for p in data["recordIpTransfer"]["revenueShares"]
                }
            )
        # then the parts are the rule's, add up to the amount to the fen, and are the same twice
        expected = split_revenue_fen(int(Decimal(amount) * 100), shares)
        assert (
            answers[0]
            == answers[1]
            == {gid(Organisation(id=o)): f"{Decimal(f) / 100:.2f}" for o, f in expected.items()}
        )
        assert sum(Decimal(v) for v in answers[0].values()) == Decimal(amount)
    # the odd fen of 0.01 went to the largest share
    first = await IpRevenueShare.filter(amount_fen=1).values_list("organisation_id", flat=True)
    assert register.c.id in first


@pytest.mark.parametrize(
    "amount",
    ["NaN", "1e400", "-1.00", "1.005", "Infinity", "1E+999999999", "1E-999999999", "1E-30"],
)
async def test_r_ip_3_an_amount_that_is_not_cny_is_refused(register: Register, amount: str) -> None:
    # given an asset
    asset = await register.asset((register.lead, "100"))
    # when a transfer of that amount is recorded
    body = await register.run(
        "lead", TRANSFER, id=asset, kind="ASSIGNMENT", amount=amount, on="2026-06-01"
    )
    # then it is refused on the amount (or as not a Decimal at all), and nothing is stored
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"].get("field", "amount") == "amount"
    assert await IpRevenueShare.all().count() == 0


@pytest.mark.parametrize(
    "wanted",
    [
        [("lead", "30"), ("b", "70")],  # the lead's share reduced
        [("b", "100")],  # the lead removed
        [("lead", "49.9999"), ("b", "50.0001")],  # reduced by the smallest step
    ],
)
async def test_r_ip_2_a_co_owner_does_not_take_another_owners_share(
    register: Register, wanted: list[tuple[str, str]]
) -> None:
    # given an asset held 50/50 by the lead and another member, b
    asset = await register.asset((register.lead, "50"), (register.b, "50"))
    orgs = {"lead": register.lead, "b": register.b}
    owners = register.owners(*((orgs[who], share) for who, share in wanted))
    # when b, who does not lead the centre, records shares that take from the lead
    body = await register.run("b", SHARES, id=asset, owners=owners, on="2026-06-01")
    # then it is refused (audited), and the shares in force stay
    assert error_codes(body) == ["FORBIDDEN"], body
    assert await AuditEntry.filter(action="ip_asset.change_shares", outcome="denied").exists()
    data = await register.ok("lead", ASSET, id=asset)
    assert len(data["ipAsset"]["shareHistory"]) == 1
    # and the lead may reallocate the same way
    assert await register.ok("lead", SHARES, id=asset, owners=owners, on="2026-06-01")


async def test_r_ip_3_a_transfer_uses_the_shares_in_force_on_its_day(register: Register) -> None:
    # given an asset held 50/50 from 2026-04-01, then 70/30 from 2026-06-01
    asset = await register.asset((register.lead, "50"), (register.b, "50"))
    new = register.owners((register.lead, "70"), (register.b, "30"))
    changed = await register.ok("b", SHARES, id=asset, owners=new, on="2026-06-01")
    # then both sets stay readable, numbered in order
    history = changed["changeIpShares"]["shareHistory"]
    assert [(h["number"], h["effectiveOn"]) for h in history] == [
        (1, "2026-04-01"),
        (2, "2026-06-01"),
    ]
    assert [o["share"] for o in history[0]["owners"]] == ["50.0000", "50.0000"]
    assert [o["share"] for o in history[1]["owners"]] == ["70.0000", "30.0000"]
    # when a licence after the change and one dated before it are recorded
    after = await register.ok(
        "lead", TRANSFER, id=asset, kind="EXCLUSIVE_LICENCE", amount="100.00", on="2026-06-15"
    )
    before = await register.ok(
        "lead", TRANSFER, id=asset, kind="EXCLUSIVE_LICENCE", amount="100.00", on="2026-05-15"
    )

    def split(data: dict[str, Any]) -> dict[str, str]:
        return {
            p["organisation"]["id"]: p["amount"] for p in data["recordIpTransfer"]["revenueShares"]
        }

    # then the later one uses the new set, the earlier one the old
    assert split(after) == {gid(register.lead): "70.00", gid(register.b): "30.00"}
    assert split(before) == {gid(register.lead): "50.00", gid(register.b): "50.00"}
    # and one dated before any set is refused, as is a share change dated before the transfers
    early = await register.run(
        "lead", TRANSFER, id=asset, kind="EXCLUSIVE_LICENCE", amount="1.00", on="2026-03-01"
    )
    assert early["errors"][0]["extensions"]["field"] == "transferredOn"
    other = register.owners((register.lead, "60"), (register.b, "40"))
    late = await register.run("lead", SHARES, id=asset, owners=other, on="2026-06-10")
    assert late["errors"][0]["extensions"]["field"] == "effectiveOn"


async def test_r_ip_3_an_assignment_makes_the_asset_transferred(register: Register) -> None:
    # given an asset
    asset = await register.asset((register.lead, "60"), (register.b, "40"))
    # when it is assigned
    await register.ok(
        "lead", TRANSFER, id=asset, kind="ASSIGNMENT", amount="5000.00", on="2026-06-01"
    )
    # then it is transferred, a new version, and takes no further transfer
    data = await register.ok("lead", ASSET, id=asset)
    assert data["ipAsset"]["legalStatus"] == "TRANSFERRED"
    assert data["ipAsset"]["version"] == 1
    again = await register.run(
        "lead", TRANSFER, id=asset, kind="NON_EXCLUSIVE_LICENCE", amount="1.00", on="2026-06-02"
    )
    assert error_codes(again) == ["INVALID_TRANSITION"]


@pytest.mark.parametrize("status", ["GRANTED", "LAPSED", "PENDING"])
async def test_r_ip_3_a_transferred_asset_is_not_brought_back_by_an_edit(
    register: Register, status: str
) -> None:
    # given an asset assigned away (transferred, version 1)
    asset = await register.asset((register.lead, "60"), (register.b, "40"))
    await register.ok(
        "lead", TRANSFER, id=asset, kind="ASSIGNMENT", amount="5000.00", on="2026-06-01"
    )
    # when its lead sets another status by hand, then it is refused and nothing changes
    body = await register.run("lead", UPDATE, id=asset, v=1, changes={"legalStatus": status})
    assert error_codes(body) == ["INVALID_TRANSITION"]
    data = await register.ok("lead", ASSET, id=asset)
    assert (data["ipAsset"]["legalStatus"], data["ipAsset"]["version"]) == ("TRANSFERRED", 1)


async def test_r_ip_3_only_an_assignment_makes_an_asset_transferred(register: Register) -> None:
    # given a granted asset, when its lead marks it transferred by hand, then it is refused
    asset = await register.asset((register.lead, "60"), (register.b, "40"))
    body = await register.run("lead", UPDATE, id=asset, v=0, changes={"legalStatus": "TRANSFERRED"})
    assert error_codes(body) == ["INVALID_TRANSITION"]
    assert "assignment" in body["errors"][0]["message"]


# --- R-IP-1: numbers, dates, edits ---------------------------------------------------------------


async def test_r_ip_1_a_patent_number_is_checked(register: Register) -> None:
    good = patent(1234567)
    digits = good.split(".")[0]
    wrong_check = f"{digits}.{(int(patent_check_digit(digits).replace('X', '10')) + 1) % 10}"
    owners = register.owners((register.lead, "100"))
    # given a wrong check digit, a utility-model kind digit on an invention, and no dot
    for bad in (wrong_check, patent(7654321, kind_digit="2"), digits):
        # when recorded
        body = await register.run("lead", RECORD, input=register.asset_input(owners, number=bad))
        # then refused on the number
        assert error_codes(body) == ["BAD_USER_INPUT"], bad
        assert body["errors"][0]["extensions"]["field"] == "number"
    # and the right number, written with CN and a space, is accepted in its stored form
    data = await register.ok(
        "lead", RECORD, input=register.asset_input(owners, number=f"CN {good}")
    )
    assert data["recordIpAsset"]["number"] == good


async def test_r_ip_1_a_number_is_unique_per_kind(register: Register) -> None:
    owners = register.owners((register.lead, "100"))
    number = next_no()
    await register.ok("lead", RECORD, input=register.asset_input(owners, number=number))
    # when the same invention number is recorded again (also written differently)
    for again in (number, f"CN{number}", f" {number} "):
        body = await register.run("lead", RECORD, input=register.asset_input(owners, number=again))
        # then it conflicts, naming the number
        assert error_codes(body) == ["CONFLICT"]
        assert number in body["errors"][0]["message"]
    # while a software copyright may carry the same text
    other = register.asset_input(owners, kind="SOFTWARE_COPYRIGHT", number=number)
    await register.ok("lead", RECORD, input=other)
    # and a technical secret needs no number
    secret = register.asset_input(owners, kind="TECHNICAL_SECRET")
    assert (await register.ok("lead", RECORD, input=secret))["recordIpAsset"]["number"] is None


async def test_r_ip_1_dates_are_checked(register: Register) -> None:
    owners = register.owners((register.lead, "100"))
    cases = [
        ({"filedOn": "2099-01-01"}, "filedOn"),
        (
            {"filedOn": "2025-03-01", "grantedOn": "2025-02-01", "legalStatus": "GRANTED"},
            "grantedOn",
        ),
        ({"grantedOn": "2025-06-01"}, "grantedOn"),  # pending with a grant date
        ({"legalStatus": "GRANTED"}, "grantedOn"),  # granted without one
        ({"filedOn": None}, "filedOn"),  # a patent without its filing date
    ]
    for change, field in cases:
        body = await register.run(
            "lead", RECORD, input={**register.asset_input(owners, number=next_no()), **change}
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], change
        assert body["errors"][0]["extensions"]["field"] == field, change


async def test_r_ip_1_co_owners_and_the_lead_edit_at_the_version_read(register: Register) -> None:
    # given an asset of b and c (the lead does not co-own it)
    owners = register.owners((register.b, "50"), (register.c, "50"))
    data = await register.ok("b", RECORD, input=register.asset_input(owners, number=next_no()))
    asset = data["recordIpAsset"]["id"]
    granted = {"legalStatus": "GRANTED", "grantedOn": "2026-01-10"}
    # when c edits at version 0, then the lead at version 1
    first = await register.ok("c", UPDATE, id=asset, v=0, changes=granted)
    second = await register.ok("lead", UPDATE, id=asset, v=1, changes={"title": "新名称"})
    assert first["updateIpAsset"]["version"] == 1
    assert second["updateIpAsset"] == {
        "title": "新名称",
        "version": 2,
        "legalStatus": "GRANTED",
        "grantedOn": "2026-01-10",
    }
    # then a stale version conflicts
    stale = await register.run("b", UPDATE, id=asset, v=1, changes={"title": "再改"})
    assert error_codes(stale) == ["CONFLICT"]
    # and each edit is audited with before and after
    entries = await AuditEntry.filter(action="ip_asset.update", outcome="success").order_by("seq")
    assert [(e.before["version"], e.after["version"]) for e in entries] == [(0, 1), (1, 2)]
    assert entries[1].before["title"] == "一种电液控制阀"
    assert entries[1].after["title"] == "新名称"
