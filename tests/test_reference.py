"""R-REF-1..3: cities and industries as data; organisations with a valid credit code."""

from __future__ import annotations

import pytest

from models.accounts import RoleName
from models.credit_code import InvalidCreditCode, make_credit_code, normalise_credit_code
from models.reference import City, Industry
from tests.helpers import Api, World, error_codes

VALID = make_credit_code("91", "450100", "MA5L0001")

CREATE = """mutation($i: CreateOrganisationInput!) {
  createOrganisation(input: $i) { id name creditCode kind city { code nameZh } } }"""


async def test_r_ref_1_the_fourteen_cities_of_guangxi_with_gbt2260_codes() -> None:
    cities = await City.all().order_by("code")
    assert len(cities) == 14
    assert (cities[0].code, cities[0].name_zh) == ("450100", "南宁市")
    assert (cities[-1].code, cities[-1].name_zh) == ("451400", "崇左市")


async def test_r_ref_2_the_ten_industries() -> None:
    names = [i.name_zh for i in await Industry.all().order_by("position")]
    assert len(names) == 10
    assert names[0] == "有色金属及关键金属材料" and names[-1] == "绿色建材"


def test_r_ref_3_a_valid_code_is_accepted_and_normalised() -> None:
    assert normalise_credit_code(" " + VALID.lower() + " ") == VALID
    # a published real-world example: 91350100M000100Y43
    assert normalise_credit_code("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (VALID[:-1], "18 characters"),
        (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "check character"),
        ("91450100MA5L0001I" + "X", "capital letters"),
        ("91ABCDEFMA5L00010X", "6-digit"),
        (VALID[:16] + ("0" if VALID[16] != "0" else "1") + VALID[17], "check character"),
    ],
)
def test_r_ref_3_an_invalid_code_is_refused_with_a_reason(code: str, reason: str) -> None:
    with pytest.raises(InvalidCreditCode, match=reason):
        normalise_credit_code(code)


async def test_r_ref_3_staff_register_an_organisation_and_bad_codes_are_refused(
    api: Api, world: World
) -> None:
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = world.token(staff)
    fields = {
        "name": "广西测试装备有限公司",
        "shortName": "ceshi",
        "kind": "ENTERPRISE",
        "cityCode": "450200",
    }
    wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    body = await api.gql(CREATE, {"i": {**fields, "creditCode": wrong}}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "check character" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["field"] == "creditCode"
    data = await api.ok(CREATE, {"i": {**fields, "creditCode": VALID}}, token=token)
    assert data["createOrganisation"]["city"] == {"code": "450200", "nameZh": "柳州市"}
    again = await api.gql(
        CREATE, {"i": {**fields, "shortName": "other", "creditCode": VALID}}, token=token
    )
    assert error_codes(again) == ["CONFLICT"]
    unknown_city = await api.gql(
        CREATE,
        {
            "i": {
                **fields,
                "shortName": "x2",
                "cityCode": "999999",
                "creditCode": make_credit_code("91", "450200", "00000077"),
            }
        },
        token=token,
    )
    assert error_codes(unknown_city) == ["BAD_USER_INPUT"]


async def test_r_acc_only_provincial_roles_register_organisations(api: Api, world: World) -> None:
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")
    body = await api.gql(
        CREATE,
        {
            "i": {
                "name": "x",
                "shortName": "x",
                "kind": "OTHER",
                "cityCode": "450100",
                "creditCode": VALID,
            }
        },
        token=world.token(bureau),
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_reference_lists_need_a_signed_in_caller(api: Api, world: World) -> None:
    assert error_codes(await api.gql("{ cities { code } }")) == ["UNAUTHENTICATED"]
    expert = await world.user(RoleName.EXPERT)
    data = await api.ok(
        "{ cities { code pinyin } industries { code nameZh } }", token=world.token(expert)
    )
    assert len(data["cities"]) == 14 and len(data["industries"]) == 10
